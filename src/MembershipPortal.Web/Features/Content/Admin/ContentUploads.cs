using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Web.Features.Shared;
using Microsoft.AspNetCore.Components.Forms;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>
/// Files the content editors attach (downloads, videos, covers). Not a use case: the bytes go to <see cref="FileStore"/>
/// as they stream in, outside any unit of work, and the audit entry is written once the file is stored.
/// </summary>
public sealed class ContentUploads(FileStore files, AuditLog audit, CurrentActor actor)
{
    public long MaxUploadBytes => files.MaxBytes;

    public static IEnumerable<string> AllowedUploadTypes => FileStore.AllowedTypes.Keys;

    /// <summary>
    /// Stores an upload through <see cref="FileStore"/>, which enforces the type allow-list and counts the bytes that
    /// actually arrive. The browser's declared size is checked first so an oversized file is refused before it is sent.
    /// </summary>
    public async Task<UploadResult> UploadAsync(IBrowserFile file, CancellationToken ct = default)
    {
        if (file.Size > files.MaxBytes)
            return new UploadResult(null, null, 0, $"“{file.Name}” is {FormatSize(file.Size)}; uploads can be at most {FormatSize(files.MaxBytes)}.");
        try
        {
            await using var stream = file.OpenReadStream(maxAllowedSize: files.MaxBytes, ct);
            var (stored, error) = await files.SaveAsync(stream, file.Name, ct);
            if (stored is null)
                return new UploadResult(null, null, 0, error);
            await audit.RecordAsync(await actor.GetAsync(), "file.upload", $"Uploaded “{stored.FileName}” ({FileStore.SizeText(stored.Length)})", "file", stored.Id.ToString(), ct: ct);
            return new UploadResult(stored.Id, stored.FileName, stored.Length, null);
        }
        catch (IOException)
        {
            return new UploadResult(null, null, 0, "The upload was interrupted or larger than allowed; nothing was stored. Try again.");
        }
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024d * 1024 * 1024):0.#} GB",
        >= 1024L * 1024 => $"{bytes / (1024d * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024d:0.#} KB",
        _ => $"{bytes} bytes",
    };
}
