using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StripeImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StripeImportedCustomers",
                columns: table => new
                {
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InvitedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StripeImportedCustomers", x => x.CustomerId);
                    table.ForeignKey(
                        name: "FK_StripeImportedCustomers_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StripeImportObjects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ParentId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Created = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AppliedHash = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StripeImportObjects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StripePriceMappings",
                columns: table => new
                {
                    StripePriceId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    StripeProductId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    Nickname = table.Column<string>(type: "TEXT", maxLength: 250, nullable: true),
                    UnitAmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Interval = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    IntervalCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProposedPriceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CatalogPriceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LeftOut = table.Column<bool>(type: "INTEGER", nullable: false),
                    SubscriptionItems = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StripePriceMappings", x => x.StripePriceId);
                    table.ForeignKey(
                        name: "FK_StripePriceMappings_Prices_CatalogPriceId",
                        column: x => x.CatalogPriceId,
                        principalTable: "Prices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StripeImportedCustomers_MemberId",
                table: "StripeImportedCustomers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_StripeImportObjects_Kind_ParentId",
                table: "StripeImportObjects",
                columns: new[] { "Kind", "ParentId" });

            migrationBuilder.CreateIndex(
                name: "IX_StripePriceMappings_CatalogPriceId",
                table: "StripePriceMappings",
                column: "CatalogPriceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StripeImportedCustomers");

            migrationBuilder.DropTable(
                name: "StripeImportObjects");

            migrationBuilder.DropTable(
                name: "StripePriceMappings");
        }
    }
}
