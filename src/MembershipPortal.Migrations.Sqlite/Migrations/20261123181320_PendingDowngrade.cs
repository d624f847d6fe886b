using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PendingDowngrade : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PendingItemId",
                table: "SubscriptionRecords");

            migrationBuilder.DropColumn(
                name: "PendingPriceId",
                table: "SubscriptionRecords");
        }
    }
}
