#!/usr/bin/env bash
# After a model change: adds the migration NAME for both providers and regenerates both compiled models
# (src/MembershipPortal.Infrastructure/Data/CompiledModels), which the portal runs on. Commit everything it writes.
# With no NAME it only regenerates the compiled models. CompiledModelTests fails while a compiled model lags the model.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-}"
dotnet tool restore >/dev/null
if [ -n "$name" ]; then
  dotnet ef migrations add "$name" --project src/MembershipPortal.Migrations.Sqlite --context SqliteAppDbContext --output-dir Migrations
  dotnet ef migrations add "$name" --project src/MembershipPortal.Migrations.SqlServer --context SqlServerAppDbContext --output-dir Migrations
fi
# The portal's code refers to the compiled models, so the old files stay while the tool builds and overwrites them;
# files it did not write this time (an entity that is gone) are removed afterwards.
stamp=$(mktemp)
for provider in Sqlite SqlServer; do
  dotnet ef dbcontext optimize --project src/MembershipPortal.Infrastructure \
    --startup-project "src/MembershipPortal.Migrations.$provider" --context "${provider}AppDbContext" \
    --output-dir "Data/CompiledModels/$provider" --namespace "MembershipPortal.Infrastructure.Data.CompiledModels.$provider"
done
for provider in Sqlite SqlServer; do
  find "src/MembershipPortal.Infrastructure/Data/CompiledModels/$provider" -name '*.cs' ! -newer "$stamp" -delete
done
rm -f "$stamp"
