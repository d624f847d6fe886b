using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Notifications;

namespace MembershipPortal.Domain.Tests.Notifications;

public class MessageTemplateTests
{
    private static readonly string[] Allowed = ["member.first_name", "plan.name", "amount", "renewal_date"];

    [Fact]
    public void Render_ReplacesPlaceholdersCaseAndSpaceInsensitive()
    {
        var t = MessageTemplate.Parse("Hi {{member.first_name}}, {{ Plan.Name }} renews on {{renewal_date}} for {{amount}}.");
        var values = new Dictionary<string, string> { ["member.first_name"] = "Ada", ["plan.name"] = "Pro", ["renewal_date"] = "1 March 2027", ["amount"] = "$19.00" };

        Assert.Empty(t.Errors);
        Assert.Equal(["member.first_name", "plan.name", "renewal_date", "amount"], t.Placeholders);
        Assert.Equal("Hi Ada, Pro renews on 1 March 2027 for $19.00.", t.Render(n => values[n]));
    }

    [Fact]
    public void Render_LiteralTransformAppliesOnlyToText()
    {
        var t = MessageTemplate.Parse("<b>{{plan.name}}</b>");
        Assert.Equal("[<b>]X[</b>]", t.Render(_ => "X", s => $"[{s}]"));
    }

    [Theory]
    [InlineData("No placeholders at all.")]
    [InlineData("A single { brace } is text.")]
    [InlineData("Closing }} alone is text.")]
    [InlineData("{{amount}}{{amount}}")]
    public void Validate_ValidText_NoErrors(string text)
    {
        Assert.Empty(MessageTemplate.Validate(text, Allowed, "Body"));
    }

    [Theory]
    [InlineData("Hello {{member.last_name}}", "Body: unknown placeholder {{member.last_name}}")]
    [InlineData("Hello {{member.first_name}", "never closes it")]
    [InlineData("Hello {{member.first_name {{amount}}", "never closes it")]
    [InlineData("Hello {{}}", "empty placeholder")]
    [InlineData("Hello {{first name}}", "not a valid placeholder name")]
    [InlineData("Hello {{<script>}}", "not a valid placeholder name")]
    public void Validate_BadText_ClearMessage(string text, string message)
    {
        var errors = MessageTemplate.Validate(text, Allowed, "Body");
        Assert.Contains(errors, e => e.Contains(message));
    }

    [Fact]
    public void Validate_UnknownPlaceholder_ListsAvailableOnes()
    {
        var error = Assert.Single(MessageTemplate.Validate("{{tracking_url}}", Allowed, "Subject"));
        Assert.StartsWith("Subject: unknown placeholder {{tracking_url}}.", error);
        Assert.Contains("{{plan.name}}", error);
    }

    [Fact]
    public void Render_TemplateWithErrors_Throws()
    {
        Assert.Throws<DomainException>(() => MessageTemplate.Parse("{{oops").Render(_ => ""));
    }
}
