namespace MembershipPortal.Web.Features.Notifications;

public enum NoticeKind
{
    Welcome,
    EmailConfirmation,
    PasswordReset,
    PasswordResetCode,
    Receipt,
    RenewalReminder,
    TrialEnding,
    PaymentFailed,
    DunningReminder,
    FinalNotice,
    AccessSuspended,
    PaymentRecovered,
    CardExpiring,
    CancellationConfirmed,
    WinBack,
    BoxShipped,
    AccountExists,
    AccountLocked,
    TeamInvitation,
    RefundIssued,
    CompGranted,
}

/// <summary>A placeholder the Owner can use, with what it stands for and the value previews show.</summary>
public sealed record Placeholder(string Name, string Description, string Sample);

/// <summary>
/// One notice: when it is sent, its built-in subject and body, the placeholders it may use and its button. Marketing
/// notices carry an unsubscribe link and honour opt-outs; transactional ones always go.
/// </summary>
public sealed record NoticeDefinition(
    NoticeKind Kind, string Key, string Title, string When, bool IsMarketing, string DefaultSubject, string DefaultBody,
    IReadOnlyList<string> Placeholders, string? ActionLabel = null, string? ActionUrlPlaceholder = null);

public static class NoticeCatalog
{
    public static readonly IReadOnlyList<Placeholder> AllPlaceholders =
    [
        new("member.first_name", "The member's first name (\"there\" when unknown)", "Ada"),
        new("member.email", "The member's email address", "ada@example.com"),
        new("business.name", "Your business name", "Craft Club"),
        new("account_url", "The member's account page", "https://members.example.com/account"),
        new("plan.name", "The subscription's plan (with add-ons)", "Pro + Craft Kit"),
        new("amount", "The amount charged or due", "$31.00"),
        new("renewal_date", "When the subscription renews next", "8 December 2026"),
        new("access_end_date", "When access ends after a cancellation", "8 December 2026"),
        new("trial_end_date", "When the free trial ends", "26 November 2026"),
        new("retry_date", "When the payment is tried again", "24 November 2026"),
        new("suspension_date", "When access is suspended if still unpaid", "30 November 2026"),
        new("update_payment_url", "Where the member updates their card", "https://members.example.com/account/billing"),
        new("card_last4", "The last four digits of the card on file", "4242"),
        new("card_expiry", "The card's expiry (month/year)", "12/2026"),
        new("invoice_number", "The invoice number", "INV-20261123-1A2B3C4D"),
        new("invoice_url", "The invoice page", "https://members.example.com/account/billing/invoices/0193…"),
        new("pricing_url", "The pricing page", "https://members.example.com/pricing"),
        new("unsubscribe_url", "The one-click unsubscribe page (marketing emails)", "https://members.example.com/email/unsubscribe?t=…"),
        new("action_url", "The confirmation or reset link", "https://members.example.com/Account/ConfirmEmail?…"),
        new("reset_code", "The password reset code", "123456"),
        new("tracking_number", "The parcel's tracking number", "1Z999AA10123456784"),
        new("tracking_url", "The carrier's tracking page", "https://tracking.example.com/1Z999AA10123456784"),
        new("carrier", "The carrier", "UPS"),
        new("parcel_contents", "What the parcel holds", "1 × Tea Box, 1 × Craft Kit"),
        new("login_url", "The log-in page", "https://members.example.com/Account/Login"),
        new("reset_url", "The forgot-password page", "https://members.example.com/Account/ForgotPassword"),
        new("refund_amount", "The amount refunded", "$10.00"),
        new("refund_date", "When the refund was made", "23 November 2026"),
        new("access_change", "What the refund changes for the member's access", "Your Pro subscription stays active and renews on 8 December 2026."),
        new("comp.product", "The product given free of charge", "Pro"),
        new("comp_until", "Until when the free access lasts", "until 8 January 2027"),
        new("comp_access", "What the free access opens", "12 articles and 2 courses, such as “Getting started” and “Knitting 101”"),
        new("library_url", "The member's content library", "https://members.example.com/content"),
    ];

    private static readonly string[] Common = ["member.first_name", "member.email", "business.name", "account_url"];
    private static readonly string[] Subscription = [.. Common, "plan.name", "amount", "renewal_date"];
    private static readonly string[] Dunning = [.. Subscription, "retry_date", "suspension_date", "update_payment_url", "card_last4"];

    public static readonly IReadOnlyList<NoticeDefinition> All =
    [
        new(NoticeKind.Welcome, "welcome", "Welcome", "When a subscription starts", false,
            "Welcome to {{business.name}}",
            "Hi {{member.first_name}},\n\nWelcome aboard! Your {{plan.name}} subscription is active. It renews on {{renewal_date}} for {{amount}}.\n\nEverything about your membership is on your account page.",
            Subscription, "Go to my account", "account_url"),
        new(NoticeKind.EmailConfirmation, "email-confirmation", "Email confirmation", "When someone registers or changes their email", false,
            "Confirm your email",
            "Hi {{member.first_name}},\n\nPlease confirm your email address to finish setting up your account at {{business.name}}.",
            [.. Common, "action_url"], "Confirm my email", "action_url"),
        new(NoticeKind.PasswordReset, "password-reset", "Password reset link", "When a member asks to reset their password", false,
            "Reset your password",
            "Hi {{member.first_name}},\n\nSomeone asked to reset the password of your account. If it was you, use the button below; otherwise ignore this email.",
            [.. Common, "action_url"], "Reset my password", "action_url"),
        new(NoticeKind.PasswordResetCode, "password-reset-code", "Password reset code", "When a password reset uses a code", false,
            "Your password reset code",
            "Hi {{member.first_name}},\n\nYour password reset code is: {{reset_code}}",
            [.. Common, "reset_code"]),
        new(NoticeKind.Receipt, "receipt", "Receipt", "After each successful payment", false,
            "Your receipt from {{business.name}}",
            "Hi {{member.first_name}},\n\nThank you! We received {{amount}} for {{plan.name}} (card ending {{card_last4}}).\n\nInvoice {{invoice_number}}. Your subscription renews on {{renewal_date}}.",
            [.. Subscription, "invoice_number", "invoice_url", "card_last4"], "View receipt", "invoice_url"),
        new(NoticeKind.RenewalReminder, "renewal-reminder", "Renewal reminder", "N days before each renewal (see the schedule below)", false,
            "Your {{plan.name}} subscription renews on {{renewal_date}}",
            "Hi {{member.first_name}},\n\nA friendly reminder: your {{plan.name}} subscription renews on {{renewal_date}} and {{amount}} will be charged to your card ending {{card_last4}}.\n\nNothing to do if that's fine. To change or cancel, visit your account.",
            [.. Subscription, "card_last4", "update_payment_url"], "Manage my subscription", "account_url"),
        new(NoticeKind.TrialEnding, "trial-ending", "Trial ending", "3 days before a free trial ends", false,
            "Your free trial ends on {{trial_end_date}}",
            "Hi {{member.first_name}},\n\nYour free trial of {{plan.name}} ends on {{trial_end_date}}. After that, {{amount}} will be charged each period.\n\nTo change or cancel, visit your account before then.",
            [.. Subscription, "trial_end_date", "update_payment_url"], "Manage my subscription", "account_url"),
        new(NoticeKind.PaymentFailed, "payment-failed", "Payment failed", "When a renewal payment fails", false,
            "Your payment for {{plan.name}} failed",
            "Hi {{member.first_name}},\n\nWe couldn't charge {{amount}} to your card ending {{card_last4}} for {{plan.name}}. You keep access for now, and we'll try again on {{retry_date}}.\n\nPlease update your card to avoid an interruption.",
            Dunning, "Update my card", "update_payment_url"),
        new(NoticeKind.DunningReminder, "dunning-reminder", "Payment reminder", "During dunning, after the first retry failed", false,
            "Reminder: please update your card for {{plan.name}}",
            "Hi {{member.first_name}},\n\nWe tried again but still couldn't collect {{amount}} for {{plan.name}}. Next attempt: {{retry_date}}.\n\nIf nothing changes, access will be suspended on {{suspension_date}}.",
            Dunning, "Update my card", "update_payment_url"),
        new(NoticeKind.FinalNotice, "final-notice", "Final notice", "Two days before access is suspended", false,
            "Final notice: access to {{plan.name}} ends on {{suspension_date}}",
            "Hi {{member.first_name}},\n\nThis is our last reminder: {{amount}} for {{plan.name}} is still unpaid. Unless the payment goes through, your access will be suspended on {{suspension_date}}.\n\nUpdating your card takes a minute.",
            Dunning, "Update my card", "update_payment_url"),
        new(NoticeKind.AccessSuspended, "access-suspended", "Access suspended", "When the grace period ends unpaid", false,
            "Your access to {{plan.name}} has been suspended",
            "Hi {{member.first_name}},\n\nWe couldn't collect {{amount}} for {{plan.name}}, so your access has been suspended.\n\nUpdate your card to restore it straight away.",
            Dunning, "Update my card and restore access", "update_payment_url"),
        new(NoticeKind.PaymentRecovered, "payment-recovered", "Payment recovered", "When an overdue payment goes through", false,
            "Payment received: {{plan.name}} is active",
            "Hi {{member.first_name}},\n\nThank you! Your payment of {{amount}} went through and your {{plan.name}} subscription is active again. It renews on {{renewal_date}}.",
            Subscription, "Go to my account", "account_url"),
        new(NoticeKind.CardExpiring, "card-expiring", "Card expiring", "30 days before the card expires, when it expires before the next renewal", false,
            "Your card ending {{card_last4}} expires soon",
            "Hi {{member.first_name}},\n\nYour card ending {{card_last4}} expires at the end of {{card_expiry}}, before your {{plan.name}} subscription renews on {{renewal_date}}.\n\nPlease add a new card to keep your subscription running.",
            [.. Subscription, "card_last4", "card_expiry", "update_payment_url"], "Update my card", "update_payment_url"),
        new(NoticeKind.CancellationConfirmed, "cancellation-confirmed", "Cancellation confirmation", "When a member cancels", false,
            "Your {{plan.name}} subscription is cancelled",
            "Hi {{member.first_name}},\n\nYour {{plan.name}} subscription is cancelled. You keep access until {{access_end_date}} and won't be charged again.\n\nChanged your mind? You can resume any time before then.",
            [.. Subscription, "access_end_date"], "Resume my subscription", "account_url"),
        new(NoticeKind.WinBack, "win-back", "Win-back offer", "N days after a subscription ends (off by default; marketing)", true,
            "We miss you at {{business.name}}",
            "Hi {{member.first_name}},\n\nIt's been a while since your {{plan.name}} subscription ended. A lot has happened since; come and see what's new.",
            [.. Subscription, "pricing_url", "unsubscribe_url"], "See the plans", "pricing_url"),
        new(NoticeKind.BoxShipped, "box-shipped", "Parcel shipped", "When a box, a kit or a one-time product is shipped", false,
            "Your {{plan.name}} is on its way",
            "Hi {{member.first_name}},\n\nGood news: your {{plan.name}} has shipped with {{carrier}}. Tracking number: {{tracking_number}}.\n\nIn the parcel: {{parcel_contents}}.",
            [.. Subscription, "tracking_number", "tracking_url", "carrier", "parcel_contents"], "Track my parcel", "tracking_url"),
        new(NoticeKind.AccountExists, "account-exists", "Someone registered with your address", "When the register form is sent with an address that already has an account", false,
            "You already have an account at {{business.name}}",
            "Hi {{member.first_name}},\n\nSomeone (perhaps you) tried to create a new account at {{business.name}} with this email address. You already have one, so nothing was changed.\n\nLog in at {{login_url}}. If you have forgotten your password, you can choose a new one with the button below. If this was not you, you can ignore this email.",
            [.. Common, "login_url", "reset_url"], "Choose a new password", "reset_url"),
        new(NoticeKind.AccountLocked, "account-locked", "Account locked (unlock link)", "When wrong passwords lock an account", false,
            "Your account was locked after failed sign-ins",
            "Hi {{member.first_name}},\n\nSomeone tried to sign in to your account at {{business.name}} with wrong passwords several times, so sign-in is locked for a while. If that was not you, your account is being attacked: no wrong password was accepted and nothing was changed.\n\nYou can get back in now: use the button below and sign in with your password. The link works once. If you think someone knows your password, reset it.",
            [.. Common, "action_url"], "Unlock and sign in", "action_url"),
        new(NoticeKind.TeamInvitation, "team-invitation", "Team invitation", "When the Owner invites someone to the team", false,
            "You're invited to the {{business.name}} team",
            "Hi,\n\nYou have been invited to help run {{business.name}} as Staff, with the account {{member.email}}. Use the button below to choose your password; the link works once and expires in a day.",
            [.. Common, "action_url"], "Choose my password", "action_url"),
        new(NoticeKind.RefundIssued, "refund-issued", "Refund", "When a payment is refunded (by the Owner or Staff, or at Stripe)", false,
            "Your refund of {{refund_amount}} from {{business.name}}",
            "Hi {{member.first_name}},\n\nWe refunded {{refund_amount}} of invoice {{invoice_number}} to your card ending {{card_last4}} on {{refund_date}}. Your bank usually shows it within 5 to 10 days.\n\n{{access_change}}",
            [.. Common, "plan.name", "refund_amount", "refund_date", "card_last4", "invoice_number", "invoice_url", "access_change"], "View receipt", "invoice_url"),
        new(NoticeKind.CompGranted, "comp-granted", "Free access granted", "When the Owner or Staff give a member free access to a product", false,
            "You have free access to {{comp.product}}",
            "Hi {{member.first_name}},\n\nGood news: {{business.name}} has given you free access to {{comp.product}} {{comp_until}}. Nothing will be charged for it.\n\nYou can now open {{comp_access}}.",
            [.. Common, "comp.product", "comp_until", "comp_access", "library_url"], "Open my library", "library_url"),
    ];

    public static NoticeDefinition Get(NoticeKind kind) => All.Single(d => d.Kind == kind);

    public static NoticeDefinition? Find(string key) => All.FirstOrDefault(d => d.Key == key);

    public static Placeholder Describe(string name) => AllPlaceholders.Single(p => p.Name == name);
}
