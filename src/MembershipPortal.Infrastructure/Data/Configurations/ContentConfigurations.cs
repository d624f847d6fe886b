using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class ContentItemConfiguration : IEntityTypeConfiguration<ContentItem>
{
    public void Configure(EntityTypeBuilder<ContentItem> b)
    {
        b.ToTable("ContentItems");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Access).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Slug).HasMaxLength(120);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Teaser).HasMaxLength(1000);
        b.Property(x => x.BodyMarkdown).HasMaxLength(200_000);
        b.Property(x => x.CoverImageUrl).HasMaxLength(500);
        b.Property(x => x.VideoEmbedUrl).HasMaxLength(500);
        b.Property(x => x.Author).HasMaxLength(120);
        b.HasIndex(x => x.PublishAt);
        b.HasIndex(x => x.FileId);
    }
}

internal sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> b)
    {
        b.ToTable("Courses");
        b.HasKey(x => x.Id);
        b.Property(x => x.Access).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Slug).HasMaxLength(120);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Teaser).HasMaxLength(1000);
        b.Property(x => x.DescriptionMarkdown).HasMaxLength(50_000);
        b.Property(x => x.CoverImageUrl).HasMaxLength(500);
    }
}

internal sealed class CourseModuleConfiguration : IEntityTypeConfiguration<CourseModule>
{
    public void Configure(EntityTypeBuilder<CourseModule> b)
    {
        b.ToTable("CourseModules");
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(200);
        b.HasOne<Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.CourseId, x.Position });
    }
}

internal sealed class LessonConfiguration : IEntityTypeConfiguration<Lesson>
{
    public void Configure(EntityTypeBuilder<Lesson> b)
    {
        b.ToTable("Lessons");
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Slug).HasMaxLength(120);
        b.HasIndex(x => new { x.CourseId, x.Slug }).IsUnique();
        b.HasOne<CourseModule>().WithMany().HasForeignKey(x => x.ModuleId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.BodyMarkdown).HasMaxLength(200_000);
        b.Property(x => x.VideoEmbedUrl).HasMaxLength(500);
        b.HasIndex(x => x.FileId);
    }
}

internal sealed class EnrollmentConfiguration : IEntityTypeConfiguration<Enrollment>
{
    public void Configure(EntityTypeBuilder<Enrollment> b)
    {
        b.ToTable("Enrollments");
        b.HasKey(x => new { x.CourseId, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.MemberId);
    }
}

internal sealed class LessonCompletionConfiguration : IEntityTypeConfiguration<LessonCompletion>
{
    public void Configure(EntityTypeBuilder<LessonCompletion> b)
    {
        b.ToTable("LessonCompletions");
        b.HasKey(x => new { x.LessonId, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<Lesson>().WithMany().HasForeignKey(x => x.LessonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.MemberId, x.CourseId });
    }
}

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public void Configure(EntityTypeBuilder<StoredFile> b)
    {
        b.ToTable("StoredFiles");
        b.HasKey(x => x.Id);
        b.Property(x => x.FileName).HasMaxLength(255);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.StorageKey).HasMaxLength(64);
    }
}

internal sealed class CompConfiguration : IEntityTypeConfiguration<Comp>
{
    public void Configure(EntityTypeBuilder<Comp> b)
    {
        b.ToTable("Comps");
        b.HasKey(x => x.Id);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.MemberId);
        b.Property(x => x.GrantedBy).HasMaxLength(256);
    }
}
