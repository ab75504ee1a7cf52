using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Core.Engine;

/// <summary>
/// The shared state routing reads: rotations, members' open counts and account ownership for <c>sticky</c>.
/// It includes the person being evaluated as it stood before (its <see cref="Footprint"/>); the engine leaves it out.
/// Implementations apply a decision's <see cref="Decision.Before"/>, <see cref="Decision.After"/> and
/// <see cref="Decision.Rotation"/> atomically.
/// </summary>
public interface IRoutingState
{
    /// <summary>The member this team's round robin chose last, or null.</summary>
    string? LastChosen(Team team);

    /// <summary>The member's smooth weighted round robin current value (0 at first).</summary>
    long CurrentWeight(Member member);

    /// <summary>Persons the member owns whose stage is in its team's <c>works</c>.</summary>
    int OpenCount(Member member);

    /// <summary>
    /// How many persons at the account the member owns, and the latest owner_set_at among them (UTC ticks, or
    /// <see cref="long.MinValue"/>), leaving out one person with footprint <paramref name="exclude"/> when it is there.
    /// </summary>
    (int Count, long LatestOwnerSetTicks) Ownership(string accountId, Member member, in Footprint exclude);
}
