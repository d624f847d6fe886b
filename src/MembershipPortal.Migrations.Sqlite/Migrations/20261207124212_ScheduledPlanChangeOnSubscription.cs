using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ScheduledPlanChangeOnSubscription : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ScheduledItemId",
                table: "Subscriptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ScheduledPriceId",
                table: "Subscriptions",
                type: "TEXT",
                nullable: true);

            // The scheduled plan change moves from the ledger record to the subscription: copied before the old columns go.
            migrationBuilder.Sql(@"UPDATE Subscriptions SET
    ScheduledItemId = (SELECT r.PendingItemId FROM SubscriptionRecords r WHERE r.SubscriptionId = Subscriptions.Id),
    ScheduledPriceId = (SELECT r.PendingPriceId FROM SubscriptionRecords r WHERE r.SubscriptionId = Subscriptions.Id)
WHERE EXISTS (SELECT 1 FROM SubscriptionRecords r WHERE r.SubscriptionId = Subscriptions.Id AND r.PendingItemId IS NOT NULL AND r.PendingPriceId IS NOT NULL)");

            // Columns are dropped with SQLite's own ALTER TABLE ... DROP COLUMN: EF's DropColumn rebuilds the table with
            // foreign keys switched off, which cannot run inside the migration's transaction.
            migrationBuilder.Sql(@"ALTER TABLE ""SubscriptionRecords"" DROP COLUMN ""PendingItemId"";");

            migrationBuilder.Sql(@"ALTER TABLE ""SubscriptionRecords"" DROP COLUMN ""PendingPriceId"";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "PendingItemId",
                table: "SubscriptionRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PendingPriceId",
                table: "SubscriptionRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.Sql(@"UPDATE SubscriptionRecords SET
    PendingItemId = (SELECT s.ScheduledItemId FROM Subscriptions s WHERE s.Id = SubscriptionRecords.SubscriptionId),
    PendingPriceId = (SELECT s.ScheduledPriceId FROM Subscriptions s WHERE s.Id = SubscriptionRecords.SubscriptionId)");

            migrationBuilder.Sql(@"ALTER TABLE ""Subscriptions"" DROP COLUMN ""ScheduledItemId"";");

            migrationBuilder.Sql(@"ALTER TABLE ""Subscriptions"" DROP COLUMN ""ScheduledPriceId"";");
        }
    }
}
