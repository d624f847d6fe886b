using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Shared;

public sealed class ContentOptions
{
    public const string Section = "Content";
    /// <summary>Folder for uploaded files, outside wwwroot; relative paths are under the content root.</summary>
    public string FilesPath { get; set; } = "App_Data/files";
    public long MaxUploadBytes { get; set; } = 500L * 1024 * 1024;
}

/// <summary>
/// Uploaded files live outside wwwroot under names the portal chooses (the file id), so no request path can reach
/// them and no uploaded name can climb out of the folder. They are served only by /files/{id}.
/// </summary>
public sealed class FileStore(IDbContextFactory<AppDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<ContentOptions> options, IHostEnvironment environment, TimeProvider clock)
{
    /// <summary>Types the editor accepts, by extension: what members can safely download or play.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mp3"] = "audio/mpeg",
        [".m4a"] = "audio/mp4",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".epub"] = "application/epub+zip",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
    };

    public string Root => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.FilesPath));

    public long MaxBytes => options.Value.MaxUploadBytes;

    /// <summary>A size for people: "500 KB", "1.5 MB", "2 GB".</summary>
    public static string SizeText(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024d:0.#} KB"),
        _ => $"{bytes} bytes",
    };

    public string PathFor(StoredFile file) => Path.Combine(Root, file.StorageKey);

    /// <summary>Stores an upload; a type or size outside the limits is refused with a message and nothing is written.</summary>
    public async Task<(StoredFile? File, string? Error)> SaveAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length is 0 or > 255)
            return (null, "The file needs a name of at most 255 characters.");
        if (!AllowedTypes.TryGetValue(Path.GetExtension(name), out var type))
            return (null, $"Files of type '{Path.GetExtension(name)}' cannot be uploaded. Allowed: {string.Join(", ", AllowedTypes.Keys)}.");
        Directory.CreateDirectory(Root);
        var file = new StoredFile { FileName = name, ContentType = type, StorageKey = Guid.NewGuid().ToString("N"), UploadedAt = clock.GetUtcNow() };
        var path = PathFor(file);
        var temp = path + ".part";
        try
        {
            await using (var target = File.Create(temp))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    file.Length += read;
                    if (file.Length > MaxBytes)
                        return (null, $"The file is larger than the {SizeText(MaxBytes)} limit.");
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            File.Move(temp, path);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.StoredFiles.Add(file);
            await db.SaveChangesAsync(ct);
            return (file, null);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
