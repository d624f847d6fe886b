namespace MembershipPortal.Web.Features.Shared;

public static partial class Words
{
    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        ["account.css"] = "Custom CSS changed",
        ["account.self-delete"] = "Account deleted by its holder",
        ["catalog.coupon.create"] = "Coupon created",
        ["catalog.coupon.delete"] = "Coupon deleted",
        ["catalog.most-popular"] = "“Most popular” plan chosen",
        ["catalog.price.add"] = "Price added",
        ["catalog.price.archive"] = "Price archived",
        ["catalog.price.unarchive"] = "Price offered again",
        ["catalog.product.create"] = "Product created",
        ["catalog.product.update"] = "Product changed",
        ["catalog.stripe-sync"] = "Catalog sent to Stripe",
        ["content.create"] = "Content created",
        ["content.delete"] = "Content deleted",
        ["content.update"] = "Content changed",
        ["course.create"] = "Course created",
        ["course.delete"] = "Course deleted",
        ["course.update"] = "Course changed",
        ["course.module.add"] = "Module added",
        ["course.module.delete"] = "Module deleted",
        ["course.module.move"] = "Module moved",
        ["course.module.rename"] = "Module renamed",
        ["course.lesson.save"] = "Lesson saved",
        ["course.lesson.delete"] = "Lesson deleted",
        ["course.lesson.move"] = "Lesson moved",
        ["email.template.save"] = "Email template changed",
        ["email.template.reset"] = "Email template reset",
        ["import.history"] = "History imported",
        ["member.comp"] = "Comp given",
        ["member.comp.end"] = "Comp ended",
        ["member.delete"] = "Member erased",
        ["member.email"] = "Member's email changed",
        ["member.email.confirmation"] = "Confirmation email sent again",
        ["member.email.resend"] = "Email sent again",
        ["member.export"] = "Member's data exported",
        ["member.lock"] = "Account locked",
        ["member.unlock"] = "Account unlocked",
        ["member.note"] = "Staff note added",
        ["member.plan.change"] = "Plan changed",
        ["member.refund"] = "Refund",
        ["member.subscription"] = "Subscription changed for the member",
        ["member.subscription.cancel-at-period-end"] = "Cancelled at the period end",
        ["member.subscription.cancel-now"] = "Cancelled at once",
        ["member.subscription.change-plan"] = "Plan changed",
        ["member.subscription.pause"] = "Subscription paused",
        ["member.subscription.unpause"] = "Subscription resumed",
        ["settings.change"] = "Settings changed",
        ["settings.checklist"] = "Setup checklist hidden or shown",
        ["settings.email-test"] = "Test email sent",
        ["settings.stripe-check"] = "Stripe connection checked",
        ["stripe.import"] = "Stripe import run",
        ["stripe.import.create-plan"] = "Plan created for a Stripe price",
        ["stripe.import.invite"] = "Imported members invited",
        ["stripe.import.map"] = "Stripe price mapped",
        ["stripe.reconcile"] = "Stripe reconciliation run",
        ["stripe.reconcile.take-stripe"] = "Stripe's version taken",
        ["team.invite"] = "Team member invited",
        ["team.remove"] = "Team member removed",
        ["team.role"] = "Team role changed",
    };

    /// <summary>
    /// An audit action name in words ("Comp given" for <c>member.comp</c>). A name without its own words reads as its
    /// parts ("member.box.skip" → "Member box skip"), never as the code.
    /// </summary>
    public static string Action(string? action)
    {
        if (string.IsNullOrWhiteSpace(action))
            return "";
        if (Actions.TryGetValue(action, out var words))
            return words;
        var parts = action.Replace('-', ' ').Replace('_', ' ').Replace('.', ' ').Trim();
        return char.ToUpperInvariant(parts[0]) + parts[1..];
    }
}
