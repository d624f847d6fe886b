using System.Globalization;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>Who a notice goes to.</summary>
public sealed record Recipient(string Email, string? FirstName, string? MemberId);

/// <summary>
/// Queues notices into the caller's context, so the outbox row is saved in the same SaveChanges as the change that
/// causes it. Each notice has a dedup key; a key already queued is skipped. The text is rendered now, from the Owner's
/// template (or the built-in one) and the active theme.
/// </summary>
public sealed class NoticeQueue(NoticeRenderer renderer, PortalLinks links, TimeProvider clock)
{
    public string InvoiceUrl(Guid invoiceId) => links.Invoice(invoiceId);

    public static string DateText(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>
    /// Queues the receipt for a paid invoice (one per invoice; an invoice this context is inserting has none yet). The
    /// renewal it names is the end of the period this invoice paid for: with Stripe the subscription may already have
    /// moved on (or ended) when a late invoice event arrives.
    /// </summary>
    public async Task<bool> QueueReceiptAsync(AppDbContext db, Subscription sub, Invoice invoice, DateTimeOffset now, CancellationToken ct)
    {
        var values = new Dictionary<string, string>
        {
            ["amount"] = new Money(invoice.TotalMinor, invoice.Currency).Display(),
            ["invoice_number"] = invoice.DisplayNumber,
            ["invoice_url"] = InvoiceUrl(invoice.Id),
        };
        if (invoice.PeriodEnd is { } paidThrough)
            values["renewal_date"] = DateText(paidThrough);
        // The card that paid this invoice: at checkout the card on file is saved in this same transaction, so the
        // member's saved card is not readable yet (the first receipt said "card ending —").
        var paid = db.Payments.Local.Where(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded).MaxBy(p => p.At)
                   ?? await db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded)
                       .OrderByDescending(p => p.At).FirstOrDefaultAsync(ct);
        if (paid?.CardLast4 is { Length: > 0 } last4)
            values["card_last4"] = last4;
        // An invoice that is not the subscription's own start or renewal (an upgrade, an extra) names what was bought.
        if (invoice.Reason is not ("subscription_create" or "subscription_cycle") && invoice.Lines.Count > 0)
            values["plan.name"] = string.Join(", ", invoice.Lines.Select(l => l.Description));
        return await QueueAsync(db, NoticeKind.Receipt, Keys.Receipt(invoice.Id), sub, now, values, ct, keyIsNew: db.Entry(invoice).State == EntityState.Added);
    }

    /// <summary>
    /// Queues the refund notice for one refund row (a negative payment), once per refund whichever path recorded it: the
    /// key is the gateway's refund id, the same id the portal's own refund and Stripe's charge.refunded event record.
    /// It names the card the money goes back to and what the refund changes for the member's access.
    /// </summary>
    /// <param name="accessChange">What the member should know about their access when the caller knows better than the
    /// subscription's state (a downgrade's credit, an extra taken off a box); null: worded from the subscription.</param>
    public async Task QueueRefundAsync(AppDbContext db, Invoice invoice, Payment refund, DateTimeOffset now, CancellationToken ct, string? accessChange = null)
    {
        var key = Keys.Refund(refund.GatewayPaymentId ?? refund.Id.ToString("N"));
        var values = new Dictionary<string, string>
        {
            ["refund_amount"] = new Money(-refund.AmountMinor, refund.Currency).Display(),
            ["refund_date"] = DateText(refund.At),
            ["invoice_number"] = invoice.DisplayNumber,
            ["invoice_url"] = InvoiceUrl(invoice.Id),
        };
        var paid = db.Payments.Local.Where(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded).MaxBy(p => p.At)
                   ?? await db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded)
                       .OrderByDescending(p => p.At).FirstOrDefaultAsync(ct);
        if ((refund.CardLast4 ?? paid?.CardLast4) is { Length: > 0 } last4)
            values["card_last4"] = last4;
        var sub = invoice.SubscriptionId is { } sid
            ? db.Subscriptions.Local.FirstOrDefault(s => s.Id == sid) ?? await db.Subscriptions.Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == sid, ct)
            : null;
        if (sub is not null)
        {
            values["access_change"] = accessChange ?? AccessAfterRefund(sub, await PlanNameAsync(db, sub, ct), now);
            await QueueAsync(db, NoticeKind.RefundIssued, key, sub, now, values, ct);
            return;
        }
        values["access_change"] = accessChange ?? "This refund does not change what you can open.";
        if (await AlreadyQueuedAsync(db, key, ct) || await db.Users.AsNoTracking().Where(u => u.Id == invoice.MemberId)
                .Select(u => new { u.Email, u.FirstName }).FirstOrDefaultAsync(ct) is not { Email: { } email } member)
            return;
        values.TryAdd("card_last4", "—");
        values["plan.name"] = string.Join(", ", invoice.Lines.Select(l => l.Description));
        await QueueToAsync(db, NoticeKind.RefundIssued, key, new Recipient(email, member.FirstName, invoice.MemberId), values, now, null, ct, dedupChecked: true);
    }

    /// <summary>
    /// Queues the free-access notice for a comp this context is inserting: the product, until when, and what it opens
    /// (<paramref name="opens"/>, worded by the caller from the content the comp unlocks).
    /// </summary>
    public async Task<bool> QueueCompAsync(AppDbContext db, string memberId, Guid compId, string product, DateTimeOffset? until, string opens,
        DateTimeOffset now, CancellationToken ct)
    {
        var member = await db.Users.AsNoTracking().Where(u => u.Id == memberId).Select(u => new { u.Email, u.FirstName }).FirstOrDefaultAsync(ct);
        if (member?.Email is null)
            return false;
        var values = new Dictionary<string, string>
        {
            ["comp.product"] = product,
            ["comp_until"] = until is { } end ? $"until {DateText(end)}" : "with no end date",
            ["comp_access"] = opens,
            ["library_url"] = links.Library,
        };
        return await QueueToAsync(db, NoticeKind.CompGranted, Keys.Comp(compId), new Recipient(member.Email, member.FirstName, memberId), values, now, null, ct,
            dedupChecked: true) is not null;
    }

    /// <summary>Dedup keys: one notice per subscription and cause.</summary>
    public static class Keys
    {
        public static string Dunning(Guid subscription, DateTimeOffset firstFailure, DunningNotice step) =>
            $"dunning:{subscription:N}:{firstFailure.UtcTicks}:{step.ToString().ToLowerInvariant()}";
        public static string Receipt(Guid invoice) => $"receipt:{invoice:N}";
        /// <summary>One notice per refund: the gateway's refund id (a refund without one, on its payment row's id).</summary>
        public static string Refund(string refundId) => $"refund:{refundId}";
        public static string Comp(Guid comp) => $"comp:{comp:N}";
        /// <summary>One welcome per member: a second subscription (a box beside the membership) gets its receipt, not another welcome.</summary>
        public static string Welcome(string memberId) => $"welcome:member:{memberId}";
        public static string Cancellation(Guid subscription, int version) => $"cancel:{subscription:N}:{version}";
        public static string RenewalReminder(Guid subscription, DateTimeOffset renewal, int daysBefore) => $"renewal-reminder:{subscription:N}:{renewal.UtcTicks}:{daysBefore}";
        public static string TrialEnding(Guid subscription, DateTimeOffset trialEnd) => $"trial-ending:{subscription:N}:{trialEnd.UtcTicks}";
        public static string CardExpiring(Guid subscription, int month, int year) => $"card-expiring:{subscription:N}:{year:D4}-{month:D2}";
        public static string WinBack(Guid subscription, DateTimeOffset canceledAt) => $"winback:{subscription:N}:{canceledAt.UtcTicks}";
    }

    /// <summary>Queues a notice about <paramref name="subscription"/> for its member; false when already queued, the member has no address, or opted out (marketing).</summary>
    /// <param name="keyIsNew">The key names something this context is inserting (a receipt for a new invoice), so no saved row can have it.</param>
    public async Task<bool> QueueAsync(AppDbContext db, NoticeKind kind, string dedupKey, Subscription subscription, DateTimeOffset now,
        IReadOnlyDictionary<string, string>? extra = null, CancellationToken ct = default, bool keyIsNew = false)
    {
        if (keyIsNew ? QueuedHere(db, dedupKey) : await AlreadyQueuedAsync(db, dedupKey, ct))
            return false;
        var member = await MemberWithCard(db, subscription.MemberId, ct);
        if (member?.Email is null)
            return false;
        var values = await SubscriptionValuesAsync(db, subscription, member, ct);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
            values[k] = v;
        return await QueueToAsync(db, kind, dedupKey, new Recipient(member.Email, member.FirstName, subscription.MemberId), values, now, subscription.Id, ct,
            dedupChecked: true) is not null;
    }

    /// <summary>Queues a dunning step with the dates the policy gives: the next retry and the suspension day.</summary>
    public Task<bool> QueueDunningAsync(AppDbContext db, Subscription subscription, DunningNotice step, DateTimeOffset firstFailure,
        DunningPolicy policy, DateTimeOffset now, CancellationToken ct = default)
    {
        var kind = step switch
        {
            DunningNotice.PaymentFailed => NoticeKind.PaymentFailed,
            DunningNotice.Reminder => NoticeKind.DunningReminder,
            DunningNotice.FinalNotice => NoticeKind.FinalNotice,
            DunningNotice.Suspended => NoticeKind.AccessSuspended,
            _ => NoticeKind.PaymentRecovered,
        };
        var next = policy.NextStep(subscription.Status, now - firstFailure, subscription.FailedPaymentAttempts);
        var suspension = firstFailure.AddDays(policy.GraceDays);
        var extra = new Dictionary<string, string>
        {
            ["retry_date"] = next.Kind == DunningStepKind.RetryPayment ? DateText(firstFailure.AddDays(next.Day)) : DateText(suspension),
            ["suspension_date"] = DateText(suspension),
        };
        if (step == DunningNotice.Recovered)
            extra.Clear();
        return QueueAsync(db, kind, Keys.Dunning(subscription.Id, firstFailure, step), subscription, now, extra, ct);
    }

    /// <summary>Queues a notice to any address with the given values (account emails, tests); returns the row, or null when skipped.</summary>
    /// <param name="dedupChecked">The caller has just looked the key up in this context (saves the second look-up).</param>
    public async Task<OutboxMessage?> QueueToAsync(AppDbContext db, NoticeKind kind, string dedupKey, Recipient to,
        IDictionary<string, string> values, DateTimeOffset now, Guid? subscriptionId = null, CancellationToken ct = default, bool dedupChecked = false)
    {
        var notice = NoticeCatalog.Get(kind);
        string? unsubscribe = null;
        if (notice.IsMarketing)
        {
            var normalized = to.Email.Trim().ToUpperInvariant();
            if (await db.EmailOptOuts.AnyAsync(o => o.NormalizedEmail == normalized, ct))
                return null;
            unsubscribe = links.Unsubscribe(to.Email);
            values["unsubscribe_url"] = unsubscribe;
        }
        values["member.first_name"] = string.IsNullOrWhiteSpace(to.FirstName) ? "there" : to.FirstName.Trim();
        values["member.email"] = to.Email;
        values.TryAdd("business.name", renderer.BusinessName);
        values.TryAdd("account_url", links.Account);

        var template = await TemplateAsync(db, notice.Key, ct);
        var rendered = renderer.Render(notice, template?.Subject ?? notice.DefaultSubject, template?.Body ?? notice.DefaultBody,
            values.AsReadOnly(), unsubscribe);
        var row = OutboxMessage.Create(dedupKey, notice.Key, new EmailMessage(to.Email, rendered.Subject, rendered.HtmlDocument, rendered.Text, ToName: to.FirstName),
            now, to.MemberId, subscriptionId, unsubscribe);
        if (dedupChecked)
        {
            db.Outbox.Add(row); // the unique index on the key still refuses a row queued meanwhile by another instance
            return row;
        }
        return await Outbox.EnqueueAsync(db, row, ct) ? row : null;
    }

    /// <summary>How long an Owner's template edit can take to reach another instance (this one drops its copy at once).</summary>
    public static readonly TimeSpan TemplateCacheTime = TimeSpan.FromSeconds(15);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (NoticeTemplateRecord? Template, DateTimeOffset Until)> templates = new(StringComparer.Ordinal);

    /// <summary>The Owner's template for a notice (null: the built-in one), kept for <see cref="TemplateCacheTime"/>: every receipt reads it.</summary>
    private async Task<NoticeTemplateRecord?> TemplateAsync(AppDbContext db, string key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (templates.TryGetValue(key, out var cached) && cached.Until > now && cached.Until - now <= TemplateCacheTime)
            return cached.Template;
        var template = await db.NoticeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Kind == key, ct);
        templates[key] = (template, now + TemplateCacheTime);
        return template;
    }

    /// <summary>Called when the Owner saves or resets a template on this instance.</summary>
    public void ForgetTemplate(string key) => templates.TryRemove(key, out _);

    // Receipts and dunning notices are queued inside the webhook's and the renewal run's transactions, so their
    // look-ups are compiled once (EF skips translating and caching the LINQ tree on every call).

    private static readonly Func<AppDbContext, string, CancellationToken, Task<bool>> KeyQueued =
        EF.CompileAsyncQuery((AppDbContext db, string key, CancellationToken ct) => db.Outbox.Any(o => o.DedupKey == key));

    /// <summary>The member's address and saved card in one query (a member has at most one billing profile).</summary>
    private static readonly Func<AppDbContext, string, CancellationToken, Task<MemberContact?>> MemberWithCard =
        EF.CompileAsyncQuery((AppDbContext db, string memberId, CancellationToken ct) =>
            (from u in db.Users.AsNoTracking()
             where u.Id == memberId
             from p in db.BillingProfiles.AsNoTracking().Where(p => p.MemberId == u.Id).DefaultIfEmpty()
             select new MemberContact(u.Email, u.FirstName, p == null ? null : p.CardLast4, p == null ? null : p.CardExpMonth, p == null ? null : p.CardExpYear))
            .FirstOrDefault());

    private static readonly Func<AppDbContext, Guid[], IAsyncEnumerable<ProductLabel>> ProductLabels =
        EF.CompileAsyncQuery((AppDbContext db, Guid[] ids) =>
            db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new ProductLabel(p.Id, p.Name, p.Kind)));

    private sealed record MemberContact(string? Email, string? FirstName, string? CardLast4, int? CardExpMonth, int? CardExpYear);

    private sealed record ProductLabel(Guid Id, string Name, ProductKind Kind);

    private static bool QueuedHere(AppDbContext db, string key) => db.Outbox.Local.Any(o => o.DedupKey == key);

    private static async Task<bool> AlreadyQueuedAsync(AppDbContext db, string key, CancellationToken ct) =>
        QueuedHere(db, key) || await KeyQueued(db, key, ct);

    /// <summary>"Pro + Craft Kit": the subscription's products, add-ons last.</summary>
    private static async Task<string> PlanNameAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        var products = new List<ProductLabel>();
        await foreach (var product in ProductLabels(db, [.. sub.Items.Select(i => i.ProductId).Distinct()]).WithCancellation(ct))
            products.Add(product);
        var names = sub.Items.Select(i => products.FirstOrDefault(p => p.Id == i.ProductId))
            .Where(p => p is not null).OrderBy(p => p!.Kind == ProductKind.AddOn ? 1 : 0).Select(p => p!.Name).ToList();
        return names.Count == 0 ? "your subscription" : string.Join(" + ", names);
    }

    /// <summary>What a refund leaves of the member's access: a refund alone never ends a subscription, so this says where it stands.</summary>
    public static string AccessAfterRefund(Subscription sub, string plan, DateTimeOffset now) => sub.Status switch
    {
        SubscriptionStatus.Canceled => $"Your {plan} subscription has ended, so nothing more will be charged.",
        SubscriptionStatus.Paused when sub.PausedUntil is { } until => $"Your {plan} subscription stays paused until {DateText(until)}.",
        SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid => $"Your {plan} subscription still has an unpaid renewal; your account page shows what is due.",
        _ when sub.CancelAtPeriodEnd && sub.CurrentPeriodEnd > now => $"You keep access to {plan} until {DateText(sub.CurrentPeriodEnd)}, when your subscription ends.",
        _ => $"Your access does not change: your {plan} subscription stays active and renews on {DateText(sub.CurrentPeriodEnd)}.",
    };

    private async Task<Dictionary<string, string>> SubscriptionValuesAsync(AppDbContext db, Subscription sub, MemberContact member, CancellationToken ct)
    {
        var values = new Dictionary<string, string>
        {
            ["plan.name"] = await PlanNameAsync(db, sub, ct),
            ["amount"] = RenewalInvoice.Total(sub).Display(),
            ["renewal_date"] = DateText(sub.CurrentPeriodEnd),
            ["access_end_date"] = DateText(sub.CurrentPeriodEnd),
            ["update_payment_url"] = links.Billing,
            ["pricing_url"] = links.Pricing,
            ["card_last4"] = member.CardLast4 ?? "—",
            ["card_expiry"] = member.CardExpMonth is { } m && member.CardExpYear is { } y ? $"{m:00}/{y}" : "—",
        };
        if (sub.TrialEnd is { } trialEnd)
            values["trial_end_date"] = DateText(trialEnd);
        return values;
    }
}
