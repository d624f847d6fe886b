using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>One step up (<see cref="Direction"/> below zero) or down among the course's modules; recorded as a move.</summary>
public sealed record StepModule(Guid ModuleId, int Direction) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.module.move", "course");
}

public sealed class StepModuleHandler : IUseCaseHandler<StepModule>
{
    public Task<string> RunAsync(StepModule request, UseCaseScope uc) =>
        MoveModuleHandler.MoveAsync(uc, request.ModuleId, current => current + Math.Sign(request.Direction));
}
