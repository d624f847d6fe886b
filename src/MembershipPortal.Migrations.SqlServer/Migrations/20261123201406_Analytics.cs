using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Analytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsImports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FileName = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: false),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ImportedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Rows = table.Column<int>(type: "int", nullable: false),
                    NewEvents = table.Column<int>(type: "int", nullable: false),
                    NewMembers = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsImports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsImportedCustomers",
                columns: table => new
                {
                    CustomerId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    MemberId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Email = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    ImportId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsImportedCustomers", x => x.CustomerId);
                    table.ForeignKey(
                        name: "FK_AnalyticsImportedCustomers_AnalyticsImports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "AnalyticsImports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AnalyticsImportedCustomers_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsImportedEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Key = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ImportId = table.Column<long>(type: "bigint", nullable: false),
                    Line = table.Column<int>(type: "int", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CustomerId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    SubscriptionId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Event = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    ProductCode = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    PlanCode = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    UnitAmountMinor = table.Column<long>(type: "bigint", nullable: true),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    Interval = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: true),
                    IntervalCount = table.Column<int>(type: "int", nullable: true),
                    Quantity = table.Column<int>(type: "int", nullable: true),
                    DiscountPercent = table.Column<decimal>(type: "decimal(18,6)", precision: 18, scale: 6, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsImportedEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AnalyticsImportedEvents_AnalyticsImports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "AnalyticsImports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsImportedCustomers_ImportId",
                table: "AnalyticsImportedCustomers",
                column: "ImportId");

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsImportedCustomers_MemberId",
                table: "AnalyticsImportedCustomers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsImportedEvents_ImportId",
                table: "AnalyticsImportedEvents",
                column: "ImportId");

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsImportedEvents_Key",
                table: "AnalyticsImportedEvents",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsImportedEvents_SubscriptionId",
                table: "AnalyticsImportedEvents",
                column: "SubscriptionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsImportedCustomers");

            migrationBuilder.DropTable(
                name: "AnalyticsImportedEvents");

            migrationBuilder.DropTable(
                name: "AnalyticsImports");
        }
    }
}
