using System.Text.RegularExpressions;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;

namespace MembershipPortal.Web.Tests.Shared;

/// <summary>Codes become words: no enum identifier (two words run together) or snake_case reaches a person.</summary>
public sealed partial class WordsTests
{
    [GeneratedRegex("[a-z][A-Z]|_")]
    private static partial Regex CodeLike();

    public static TheoryData<Enum> EveryStatusAndEvent()
    {
        var data = new TheoryData<Enum>();
        foreach (var type in new[] { typeof(SubscriptionStatus), typeof(SubscriptionChangeKind), typeof(NoticeKind) })
            foreach (Enum value in Enum.GetValues(type))
                data.Add(value);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndEvent))]
    public void Of_EveryStatusAndEventKind_IsWords(Enum value)
    {
        var words = Words.Of(value);
        Assert.False(CodeLike().IsMatch(words), $"{value} -> '{words}'");
        Assert.True(char.IsUpper(words[0]), words);
    }

    [Theory]
    [InlineData("subscription_create", "New subscription")]
    [InlineData("subscription_cycle", "Renewal")]
    [InlineData("PastDue", "Past due")]
    [InlineData("CancelScheduled", "Cancellation scheduled")]
    [InlineData("PartiallyRefunded", "Partially refunded")]
    [InlineData("Active", "Active")]
    [InlineData("box_shipped", "Box shipped")]
    [InlineData("TierTooLow", "Tier too low")]
    [InlineData("PaymentPastDueGraceOver", "Payment past due grace over")]
    [InlineData("", "")]
    public void Of_KnownCodes(string code, string expected) => Assert.Equal(expected, Words.Of(code));

    [Theory]
    [InlineData(0, "0 modules")]
    [InlineData(1, "1 module")]
    [InlineData(2, "2 modules")]
    [InlineData(1200, "1,200 modules")]
    public void Count_PluralIsRight(int count, string expected) => Assert.Equal(expected, Words.Count(count, "module"));

    [Theory]
    [InlineData("Set to cancel on 2026-12-23.", "Set to cancel on 23 Dec 2026.")]
    [InlineData("Started active with 1 item(s).", "Started active with 1 item.")]
    [InlineData("Started active with 2 item(s) and coupon SPRING.", "Started active with 2 items and coupon SPRING.")]
    [InlineData("The 2026-12 box was skipped; nothing charged; renewed through 2027-01-23.", "The December 2026 box was skipped; nothing charged; renewed through 23 Jan 2027.")]
    [InlineData("Plan changed from $9.00 every month to $19.00 every month.", "Plan changed from $9.00 every month to $19.00 every month.")]
    [InlineData("Order 2026-13 stays", "Order 2026-13 stays")]
    [InlineData(null, "")]
    public void Prose_StoredHistoryText_DatesCyclesAndPluralsInWords(string? detail, string expected) => Assert.Equal(expected, Words.Prose(detail));

    [Theory]
    [InlineData("2026-11", "November 2026")]
    [InlineData("not-a-cycle", "not-a-cycle")]
    public void Month_CycleKey_IsTheMonthItNames(string cycle, string expected) => Assert.Equal(expected, Words.Month(cycle));

    [Fact]
    public void Date_OneFormat() =>
        Assert.Equal(("7 Dec 2026", "7 Dec 2026 14:05"), (Words.Date(new DateTimeOffset(2026, 12, 7, 14, 5, 9, TimeSpan.Zero)), Words.DateTime(new DateTimeOffset(2026, 12, 7, 14, 5, 9, TimeSpan.Zero))));

    [Theory]
    [InlineData("member.comp", "Comp given")]
    [InlineData("member.subscription.cancel-now", "Cancelled at once")]
    [InlineData("settings.change", "Settings changed")]
    [InlineData("member.box.skip-all", "Member box skip all")]
    [InlineData("", "")]
    public void AuditActions_ReadAsWords(string action, string words) => Assert.Equal(words, Words.Action(action));

    [Theory]
    [InlineData("portal.theme", "Theme")]
    [InlineData("billing.final-action", "After the grace period")]
    [InlineData("analytics.spend.2026-03", "Marketing spend, March 2026")]
    [InlineData("some.new-setting", "New setting")]
    public void SettingNames_ReadAsWords(string key, string words) => Assert.Equal(words, Words.Setting(key));

    [Theory]
    [InlineData("true", "On")]
    [InlineData("false", "Off")]
    [InlineData("MarkUnpaid", "Mark unpaid")]
    [InlineData("AtPeriodEnd", "At period end")]
    [InlineData("forest", "forest")]
    [InlineData("Acme Tea Co.", "Acme Tea Co.")]
    [InlineData(null, "—")]
    public void SettingValues_ReadAsWords(string? value, string words) => Assert.Equal(words, Words.SettingValue("billing.final-action", value));

    [Fact]
    public void MonthlySpend_ReadsAsAnAmount_NotMinorUnits() => Assert.Equal("1,200.00", Words.SettingValue("analytics.spend.2026-10", "120000"));

    /// <summary>Every setting key the portal declares has its own name, so a new one cannot reach the audit trail as a code.</summary>
    [Fact]
    public void EverySettingKeyConstant_HasAName()
    {
        var keys = typeof(Words).Assembly.GetTypes().Concat(typeof(MembershipPortal.Infrastructure.Settings.SettingKeys).Assembly.GetTypes())
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && (f.Name.EndsWith("Key", StringComparison.Ordinal) || f.DeclaringType!.Name == "SettingKeys"))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(k => System.Text.RegularExpressions.Regex.IsMatch(k, @"^(portal|billing|boxes|notices|analytics|catalog|dashboard)\.[a-z-]+$"))
            .Where(k => k != "portal.set-up")
            .ToList();
        Assert.True(keys.Count >= 20, $"only {keys.Count} keys found");
        Assert.All(keys, k => Assert.DoesNotContain(".", Words.Setting(k)));
        Assert.All(keys, k => Assert.True(Words.HasSettingName(k), $"{k} has no name in Words.SettingNames"));
    }
}
