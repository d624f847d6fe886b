using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Payments;

public enum PaymentProvider { Test, Stripe }

public sealed class PaymentsOptions
{
    public const string Section = "Payments";
    public PaymentProvider Provider { get; set; } = PaymentProvider.Test;
    public StripeOptions Stripe { get; set; } = new();
}

public sealed class StripeOptions
{
    public string? SecretKey { get; set; }
    public string? PublishableKey { get; set; }
    public string? WebhookSecret { get; set; }
    /// <summary>Override of Stripe's API address (tests point it at a stub).</summary>
    public string? ApiBase { get; set; }
}

internal sealed class PaymentsOptionsValidator : IValidateOptions<PaymentsOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentsOptions options)
    {
        if (options.Provider != PaymentProvider.Stripe)
            return ValidateOptionsResult.Success;
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Stripe.SecretKey))
            missing.Add("Payments:Stripe:SecretKey");
        if (string.IsNullOrWhiteSpace(options.Stripe.WebhookSecret))
            missing.Add("Payments:Stripe:WebhookSecret");
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Payments:Provider is Stripe but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing.");
    }
}
