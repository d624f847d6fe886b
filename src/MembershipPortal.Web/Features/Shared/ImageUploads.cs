using System.Buffers;
using System.IO.Pipelines;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Identity;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// Pictures the Owner or Staff upload for the site (a product's image, a course's or an article's cover, a box's month,
/// the logo): PNG, JPEG or WebP only, checked by their first bytes as well as their name (a renamed page or SVG with a
/// script is refused), within <see cref="MaxBytes"/>. Stored by <see cref="FileStore"/> and served by /files/{id}.
/// </summary>
public sealed class ImageUploads(FileStore files, AuditLog audit)
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public static readonly string[] Types = [".png", ".jpg", ".jpeg", ".webp"];
    public const string Accept = ".png,.jpg,.jpeg,.webp";

    /// <summary>The address a stored picture is shown at.</summary>
    public static string UrlFor(Guid fileId) => $"/files/{fileId}";

    /// <summary>Why a picture of <paramref name="length"/> bytes is refused before it is read, or null.</summary>
    public static string? TooLarge(long? length) =>
        length > MaxBytes ? $"A picture can be at most {FileStore.SizeText(MaxBytes)}; this one is {FileStore.SizeText(length.Value)}." : null;

    /// <summary>The file's first bytes match its extension's image format.</summary>
    public static bool LooksLikeImage(ReadOnlySpan<byte> head, string extension) => extension.ToLowerInvariant() switch
    {
        ".png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ".jpg" or ".jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ".webp" => head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };

    /// <summary>
    /// Stores <paramref name="content"/> as a picture uploaded by <paramref name="actor"/> (Owner or Staff) for
    /// <paramref name="purpose"/> ("a product", "a box"), audited. Returns the stored file's id, or why nothing was stored.
    /// </summary>
    public async Task<(Guid? FileId, string? Error)> SaveAsync(Stream content, string fileName, long? length, AuditActor actor, string purpose, CancellationToken ct = default)
    {
        if (actor.Role is not (PortalRoles.Owner or PortalRoles.Staff) && !AdminAccess.IsSystem(actor))
            return (null, "Only the Owner or Staff can upload pictures.");
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (!Types.Contains(extension))
            return (null, $"The picture must be one of {string.Join(", ", Types)}.");
        if (TooLarge(length) is { } tooLarge)
            return (null, tooLarge);
        // Look at the first bytes without consuming them, then hand the whole stream to the file store.
        var reader = PipeReader.Create(content);
        var head = await reader.ReadAtLeastAsync(12, ct);
        var looksRight = LooksLikeImage(head.Buffer.Slice(0, Math.Min(12, head.Buffer.Length)).ToArray(), extension);
        reader.AdvanceTo(head.Buffer.Start);
        if (!looksRight)
            return (null, $"That file is not a {extension.TrimStart('.').ToUpperInvariant()} image, whatever its name says.");
        await using var stream = new LimitedStream(reader.AsStream(), MaxBytes);
        StoredFile? stored;
        string? error;
        try
        {
            (stored, error) = await files.SaveAsync(stream, fileName!, ct);
        }
        catch (InvalidDataException ex)
        {
            return (null, ex.Message);
        }
        if (stored is null)
            return (null, error);
        await audit.RecordAsync(actor, "file.upload", $"Uploaded “{stored.FileName}” ({FileStore.SizeText(stored.Length)}) for {purpose}", "file", stored.Id.ToString(), ct: ct);
        return (stored.Id, null);
    }

    /// <summary>Reads at most a limit and then fails, so a picture larger than it claimed is not stored.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        private int Count(int n)
        {
            read += n;
            return read > limit ? throw new InvalidDataException($"A picture can be at most {FileStore.SizeText(limit)}.") : n;
        }
    }
}
