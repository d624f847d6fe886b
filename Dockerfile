# syntax=docker/dockerfile:1
# The portal as a container: built with `dotnet publish` (the only output that serves static web assets outside
# Development), run as a non-root user, data and uploads on volumes. See README "Deploying".
#   docker build -t membership-portal .
#   docker run -p 8080:8080 -e Portal__PublicUrl=https://members.example.com -v portal-data:/data -v portal-uploads:/uploads membership-portal
# A command instead of the web server: docker run --rm -v portal-data:/data membership-portal migrate

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore from the project files alone, so a code change does not download the packages again.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/MembershipPortal.Domain/MembershipPortal.Domain.csproj src/MembershipPortal.Domain/
COPY src/MembershipPortal.Infrastructure/MembershipPortal.Infrastructure.csproj src/MembershipPortal.Infrastructure/
COPY src/MembershipPortal.Migrations.Sqlite/MembershipPortal.Migrations.Sqlite.csproj src/MembershipPortal.Migrations.Sqlite/
COPY src/MembershipPortal.Migrations.SqlServer/MembershipPortal.Migrations.SqlServer.csproj src/MembershipPortal.Migrations.SqlServer/
COPY src/MembershipPortal.Web/MembershipPortal.Web.csproj src/MembershipPortal.Web/
RUN dotnet restore src/MembershipPortal.Web/MembershipPortal.Web.csproj
COPY src/ src/
COPY wwwroot-themes/ wwwroot-themes/
RUN dotnet publish src/MembershipPortal.Web/MembershipPortal.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# /data: the SQLite database (with Quartz's tables) and the mail pickup folder; /uploads: Content:FilesPath.
# Both belong to the image's non-root "app" user ($APP_UID), which the portal runs as.
RUN mkdir -p /data /uploads && chown "$APP_UID:$APP_UID" /data /uploads
COPY --from=build /app ./
COPY --chmod=755 deploy/portal-healthcheck /usr/local/bin/portal-healthcheck

# The same settings .ci/publish-check starts the published app with. Portal__PublicUrl has no default on purpose:
# outside Development the portal refuses to start without it. Secrets (connection strings, SMTP and Stripe keys)
# come from the environment at run time, never from the image.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=http://+:8080 \
    ConnectionStrings__Portal="Data Source=/data/portal.db" \
    Email__PickupDirectory=/data/mail \
    Content__FilesPath=/uploads \
    Logging__Console__FormatterName=json
VOLUME ["/data", "/uploads"]
EXPOSE 8080
USER $APP_UID

# Start-up applies pending migrations before the server listens; a large upgrade may take a while, hence the grace period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 CMD ["portal-healthcheck", "8080"]
ENTRYPOINT ["dotnet", "MembershipPortal.Web.dll"]
