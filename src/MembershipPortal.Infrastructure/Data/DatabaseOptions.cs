using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Data;

public enum DatabaseProvider { Sqlite, SqlServer }

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string DefaultSqlite = "Data Source=App_Data/portal.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

internal sealed class DatabaseOptionsValidator(IConfiguration configuration)
    : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (options.Provider == DatabaseProvider.SqlServer && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Portal")))
            return ValidateOptionsResult.Fail("Database:Provider is SqlServer but the setting ConnectionStrings:Portal is missing.");
        return ValidateOptionsResult.Success;
    }
}
