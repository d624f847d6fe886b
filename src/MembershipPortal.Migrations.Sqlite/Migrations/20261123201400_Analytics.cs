using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    NewEvents = table.Column<int>(type: "INTEGER", nullable: false),
                    NewMembers = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsImports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsImportedCustomers",
                columns: table => new
                {
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ImportId = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ImportId = table.Column<long>(type: "INTEGER", nullable: false),
                    Line = table.Column<int>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SubscriptionId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Event = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PlanCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    UnitAmountMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Interval = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    IntervalCount = table.Column<int>(type: "INTEGER", nullable: true),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: true),
                    DiscountPercent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 6, nullable: true)
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
