using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Shared;

public static class DependencyInjection
{
    /// <summary>What the features share: the use-case runner, the file store and picture uploads.</summary>
    public static IHostApplicationBuilder AddPortalShared(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UseCaseRunner>();
        builder.Services.AddSingleton<Infrastructure.Settings.ISettingNames, Words.SettingNamer>();
        AddUseCaseHandlers(builder.Services);
        builder.Services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section);
        builder.Services.AddSingleton<FileStore>();
        builder.Services.AddSingleton<ImageUploads>();
        return builder;
    }

    /// <summary>Every <see cref="IUseCaseHandler{TRequest}"/> in the portal, so a new use case is one file and nothing else.</summary>
    private static void AddUseCaseHandlers(IServiceCollection services)
    {
        var handlers =
            from type in typeof(DependencyInjection).Assembly.GetTypes()
            where type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
            from contract in type.GetInterfaces()
            where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IUseCaseHandler<>)
            select (contract, type);
        foreach (var (contract, type) in handlers)
            services.AddScoped(contract, type);
    }
}
