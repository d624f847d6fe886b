using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class BoxUnitEconomics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "Shipments",
                type: "nvarchar(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ShippingChargedMinor",
                table: "Shipments",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "UnitPriceMinor",
                table: "ShipmentLines",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "BoxCycleCosts",
                columns: table => new
                {
                    ProductId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Cycle = table.Column<string>(type: "nvarchar(7)", maxLength: 7, nullable: false),
                    CostOfGoodsMinor = table.Column<long>(type: "bigint", nullable: false),
                    ShippingCostMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BoxCycleCosts", x => new { x.ProductId, x.Cycle });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BoxCycleCosts");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "Shipments");

            migrationBuilder.DropColumn(
                name: "ShippingChargedMinor",
                table: "Shipments");

            migrationBuilder.DropColumn(
                name: "UnitPriceMinor",
                table: "ShipmentLines");
        }
    }
}
