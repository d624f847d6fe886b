using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MembershipPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ShippingZones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ShippingZones",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Name = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    AmountMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    FreeFromMinor = table.Column<long>(type: "bigint", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShippingZones", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ShippingZoneCountries",
                columns: table => new
                {
                    Country = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    ZoneId = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShippingZoneCountries", x => x.Country);
                    table.ForeignKey(
                        name: "FK_ShippingZoneCountries_ShippingZones_ZoneId",
                        column: x => x.ZoneId,
                        principalTable: "ShippingZones",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShippingZoneCountries_ZoneId",
                table: "ShippingZoneCountries",
                column: "ZoneId");

            migrationBuilder.CreateIndex(
                name: "IX_ShippingZones_Name",
                table: "ShippingZones",
                column: "Name",
                unique: true);

            // Each per-country rate becomes a one-country zone named by its country code (the Owner can rename it).
            migrationBuilder.Sql(
                "INSERT INTO ShippingZones (Name, AmountMinor, Currency, FreeFromMinor, UpdatedAt) " +
                "SELECT Country, AmountMinor, Currency, NULL, UpdatedAt FROM ShippingRates;");
            migrationBuilder.Sql(
                "INSERT INTO ShippingZoneCountries (Country, ZoneId) " +
                "SELECT r.Country, z.Id FROM ShippingRates r INNER JOIN ShippingZones z ON z.Name = r.Country;");

            migrationBuilder.DropTable(
                name: "ShippingRates");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ShippingRates",
                columns: table => new
                {
                    Country = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    AmountMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShippingRates", x => x.Country);
                });

            // Back to one rate per country: each zone country at its zone's rate.
            migrationBuilder.Sql(
                "INSERT INTO ShippingRates (Country, AmountMinor, Currency, UpdatedAt) " +
                "SELECT c.Country, z.AmountMinor, z.Currency, z.UpdatedAt FROM ShippingZoneCountries c INNER JOIN ShippingZones z ON z.Id = c.ZoneId;");

            migrationBuilder.DropTable(
                name: "ShippingZoneCountries");

            migrationBuilder.DropTable(
                name: "ShippingZones");
        }
    }
}
