using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MembershipPortal.Web.Features.Analytics.Components;

public partial class AnalyticsDashboard
{
    [Inject] private AnalyticsService Analytics { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;

    /// <summary>First month shown (YYYY-MM); eleven months before <see cref="To"/> when absent.</summary>
    [Parameter] public string? InitialFrom { get; set; }

    /// <summary>Last month shown (YYYY-MM); the current month when absent.</summary>
    [Parameter] public string? InitialTo { get; set; }

    private YearMonth From { get; set; }
    private YearMonth To { get; set; }
    private AnalyticsFilter Filter { get; set; } = AnalyticsFilter.All;
    private DashboardData? data;
    private IReadOnlyList<KpiTile> tiles = [];
    private bool cohortsByRevenue;

    private string[] labels = [];
    private string[] forecastLabels = [];
    private List<ChartSeries<double>> mrrSeries = [], churnSeries = [], expansionSeries = [], forecastSeries = [], cashSeries = [];
    private readonly LineChartOptions lineOptions = new() { YAxisFormat = "N0", ShowDataMarkers = true, XAxisLabelRotation = 0 };
    private readonly LineChartOptions percentOptions = new() { YAxisFormat = "0.#'%'", ShowDataMarkers = true };
    private readonly StackedBarChartOptions barOptions = new() { YAxisFormat = "N0" };
    private readonly BarChartOptions cashOptions = new() { YAxisFormat = "N0" };

    private IEnumerable<YearMonth> MonthChoices
    {
        get
        {
            var current = Analytics.CurrentMonth;
            var first = current.AddMonths(-47);
            if (From < first)
                first = From;
            return YearMonth.Range(first, current).Reverse();
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var current = Analytics.CurrentMonth;
        To = YearMonth.TryParse(InitialTo, out var to) && to <= current ? to : current;
        From = YearMonth.TryParse(InitialFrom, out var from) && from <= To ? from : AnalyticsService.DefaultFrom(To);
        // The numbers are computed once, in the circuit; the prerendered page shows the progress bar meanwhile.
        if (RendererInfo.IsInteractive)
            await LoadAsync();
    }

    private async Task LoadAsync()
    {
        // Off the circuit's thread: a first fold of a large history must not hold up the page's other components.
        var request = new DashboardRequest(From, To, Filter);
        data = await Task.Run(() => Analytics.DashboardAsync(request));
        tiles = KpiBoard.Build(data);
        var cur = data.Currency;
        labels = data.Months.Select(m => AnalyticsFormat.ShortMonth(m.Month)).ToArray();
        if (labels.Length > 18)
            labels = labels.Select((l, i) => i % 3 == 0 ? l : "").ToArray();
        mrrSeries = [new() { Name = $"MRR ({cur})", Data = data.Months.Select(m => AnalyticsFormat.ChartMoney(m.MrrEnd, cur)).ToArray() }];
        churnSeries =
        [
            new() { Name = "Customer churn %", Data = data.Months.Select(m => AnalyticsFormat.ChartPercent(m.CustomerChurnRate)).ToArray() },
            new() { Name = "Gross MRR churn %", Data = data.Months.Select(m => AnalyticsFormat.ChartPercent(m.GrossMrrChurnRate)).ToArray() },
            new() { Name = "Net MRR churn %", Data = data.Months.Select(m => AnalyticsFormat.ChartPercent(m.NetMrrChurnRate)).ToArray() },
        ];
        expansionSeries = Enum.GetValues<ExpansionCause>().Select(cause => new ChartSeries<double>
        {
            Name = CauseLabel(cause),
            Data = data.Months.Select(m => AnalyticsFormat.ChartMoney(m.ExpansionByCause[cause], cur)).ToArray(),
        }).ToList();
        forecastLabels = data.Forecast.Select(p => AnalyticsFormat.ShortMonth(p.Month)).ToArray();
        forecastSeries =
        [
            new() { Name = "Expected", Data = data.Forecast.Select(p => AnalyticsFormat.ChartMoney(p.Expected, cur)).ToArray() },
            new() { Name = "Low", Data = data.Forecast.Select(p => AnalyticsFormat.ChartMoney(p.Low, cur)).ToArray() },
            new() { Name = "High", Data = data.Forecast.Select(p => AnalyticsFormat.ChartMoney(p.High, cur)).ToArray() },
        ];
        cashSeries = [new() { Name = $"Paid invoices ({cur})", Data = data.Cash.Select(c => AnalyticsFormat.ChartMoney(c.PaidTotalMinor, cur)).ToArray() }];
    }

    private async Task SetRangeAsync(string from, string to)
    {
        var f = YearMonth.Parse(from);
        var t = YearMonth.Parse(to);
        (From, To) = f <= t ? (f, t) : (t, f);
        await LoadAsync();
    }

    private async Task SetKindAsync(string value)
    {
        Filter = Filter with { Kind = Enum.TryParse<ProductKind>(value, out var kind) ? kind : null, Product = null };
        await LoadAsync();
    }

    private async Task SetProductAsync(string value)
    {
        Filter = Filter with { Product = string.IsNullOrEmpty(value) ? null : value };
        await LoadAsync();
    }

    private async Task SetIntervalAsync(string value)
    {
        Filter = Filter with { Interval = string.IsNullOrEmpty(value) ? null : value };
        await LoadAsync();
    }

    /// <summary>The customers and changes behind a number, in a dialog over the dashboard.</summary>
    private Task OpenDrill(DrillRequest request) =>
        Dialogs.ShowAsync<DrillDownPanel>(request.Title, new DialogParameters<DrillDownPanel>
        {
            { x => x.Request, request },
            { x => x.Filter, Filter },
        }, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseOnEscapeKey = true, NoHeader = true });

    private Task OpenCustomers(YearMonth month) =>
        OpenDrill(DrillRequest.Customers($"Paying customers, end of {AnalyticsFormat.MonthLabel(month)}", month));

    private Task OpenMovement((YearMonth Month, MovementType Type) selected) =>
        OpenDrill(DrillRequest.Movements($"{AnalyticsFormat.MovementName(selected.Type)}, {AnalyticsFormat.MonthLabel(selected.Month)}", selected.Month, selected.Type));

    /// <summary>METRICS.md §6 for the range and segment shown.</summary>
    private Task<string> MonthlyCsv() => Task.FromResult(MetricsExport.ToCsv(data?.Months ?? []));

    private static IEnumerable<(MovementType, decimal)> Cells(MonthlyMetrics m) =>
    [
        (MovementType.New, m.New), (MovementType.Expansion, m.Expansion), (MovementType.Reactivation, m.Reactivation),
        (MovementType.Contraction, m.Contraction), (MovementType.Churn, m.Churn),
    ];

    private static string KindLabel(ProductKind kind) => kind == ProductKind.AddOn ? "Add-on" : kind.ToString();

    private static string CauseLabel(ExpansionCause cause) => cause switch
    {
        ExpansionCause.AddOn => "Add-on",
        ExpansionCause.CrossSell => "Cross-sell",
        _ => cause.ToString(),
    };
}

internal static class DateOnlyMonths
{
    public static YearMonth ToYearMonth(this DateOnly day) => YearMonth.Of(day);
}
