using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;

namespace MembershipPortal.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Registers the provider-specific context (Database:Provider), a factory for the abstract context, and a scoped context for Identity.</summary>
    public static IHostApplicationBuilder AddPortalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Queries load collections in one statement (EF's default, stated so EF stops warning on every subscription query:
        // its items and its owned history are two collections, both a handful of rows).
        // The provider decides which context type exists, so it is read now; the connection string is read when the
        // first context is made, so hosts and tests can still change it after registration.
        var provider = builder.Configuration.GetValue(DatabaseOptions.Section + ":Provider", DatabaseProvider.Sqlite);
        var contentRoot = builder.Environment.ContentRootPath;
        if (provider == DatabaseProvider.SqlServer)
        {
            builder.Services.AddPooledDbContextFactory<SqlServerAppDbContext>((sp, o) =>
                o.UseSqlServer(sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal") ?? "",
                    sql => sql.MigrationsAssembly(SqlServerAppDbContext.MigrationsAssembly).EnableRetryOnFailure()
                        .UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery)));
            Register<SqlServerAppDbContext>(builder.Services);
        }
        else
        {
            builder.Services.AddPooledDbContextFactory<SqliteAppDbContext>((sp, o) =>
                o.UseSqlite(SqliteConnectionString(sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal"), contentRoot),
                    s => s.MigrationsAssembly(SqliteAppDbContext.MigrationsAssembly).UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery))
                    .AddInterceptors(SqlitePragmas));
            Register<SqliteAppDbContext>(builder.Services);
            builder.Services.AddHostedService<SqliteCheckpointer>();
        }
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<SettingsStore>();
        return builder;
    }

    private static readonly SqliteConnectionPragmas SqlitePragmas = new();

    private static void Register<TContext>(IServiceCollection services) where TContext : AppDbContext
    {
        services.AddSingleton<IDbContextFactory<AppDbContext>, PortalDbContextFactory<TContext>>();
        services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    /// <summary>Resolves a relative SQLite file against the content root and makes sure its folder exists.</summary>
    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqlite : configured);
        if (csb.DataSource != ":memory:" && !csb.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && csb.Mode != SqliteOpenMode.Memory)
        {
            if (!Path.IsPathRooted(csb.DataSource)) csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }
        return csb.ToString();
    }

    /// <summary>The email port: pickup folder by default, MailKit SMTP when Email:Delivery is Smtp.</summary>
    public static IHostApplicationBuilder AddPortalEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PickupEmailTransport>();
        builder.Services.AddSingleton<SmtpEmailTransport>();
        builder.Services.AddSingleton<IEmailTransport>(sp =>
            sp.GetRequiredService<IOptions<EmailOptions>>().Value.Delivery == EmailDelivery.Smtp
                ? sp.GetRequiredService<SmtpEmailTransport>()
                : sp.GetRequiredService<PickupEmailTransport>());
        return builder;
    }

    /// <summary>The payment port: the in-process test gateway by default, Stripe when Payments:Provider is Stripe.</summary>
    public static IHostApplicationBuilder AddPortalPayments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PaymentsOptions>, PaymentsOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TestPaymentGateway>();
        builder.Services.AddStripePayments();
        builder.Services.AddSingleton<IPaymentGateway>(sp =>
            sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.Provider == PaymentProvider.Stripe
                ? sp.GetRequiredService<StripePaymentGateway>()
                : sp.GetRequiredService<TestPaymentGateway>());
        return builder;
    }
}
