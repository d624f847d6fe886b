using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Boxes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "BoxCutoffDay",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 12);

            migrationBuilder.AddColumn<int>(
                name: "BoxShipDay",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 15);

            migrationBuilder.CreateTable(
                name: "BoxSkips",
                columns: table => new
                {
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Cycle = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BoxSkips", x => new { x.SubscriptionId, x.Cycle });
                });

            migrationBuilder.CreateTable(
                name: "Shipments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Cycle = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    Address_Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Address_Line1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Address_Line2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Address_City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address_Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Address_PostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Address_Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Carrier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TrackingNumber = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ShippedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shipments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ShipmentLines",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    ShipmentId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShipmentLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShipmentLines_Shipments_ShipmentId",
                        column: x => x.ShipmentId,
                        principalTable: "Shipments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShipmentLines_ShipmentId",
                table: "ShipmentLines",
                column: "ShipmentId");

            migrationBuilder.CreateIndex(
                name: "IX_Shipments_MemberId",
                table: "Shipments",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Shipments_ProductId_Cycle",
                table: "Shipments",
                columns: new[] { "ProductId", "Cycle" });

            migrationBuilder.CreateIndex(
                name: "IX_Shipments_SubscriptionId_Cycle",
                table: "Shipments",
                columns: new[] { "SubscriptionId", "Cycle" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BoxSkips");

            migrationBuilder.DropTable(
                name: "ShipmentLines");

            migrationBuilder.DropTable(
                name: "Shipments");

            migrationBuilder.DropColumn(
                name: "BoxCutoffDay",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "BoxShipDay",
                table: "Products");
        }
    }
}
