using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>Stores instants as UTC ticks (a sortable integer) on SQLite; reads them back as UTC.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
