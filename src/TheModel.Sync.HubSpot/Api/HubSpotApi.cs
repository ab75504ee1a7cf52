using System.Runtime.ExceptionServices;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using TheModel.Sync.HubSpot.Budget;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>Runs one Refit call and turns every way it can fail into one exception type the connector handles.</summary>
internal static class HubSpotApi
{
    /// <exception cref="HubSpotApiException">HubSpot answered an error, or did not answer, after the handler's retries.</exception>
    /// <exception cref="HubSpotBudgetPausedException">The daily budget is paused; nothing was sent.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public static async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            throw HubSpotApiException.FromResponse(operation, (int)e.StatusCode, e.Content);
        }
        catch (ApiRequestException e) when (e.InnerException is HubSpotBudgetPausedException paused)
        {
            ExceptionDispatchInfo.Throw(paused);
            throw;
        }
        catch (ApiRequestException e) when (e.InnerException is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(e.InnerException.Message, e.InnerException, cancellationToken);
        }
        catch (ApiRequestException e)
        {
            throw HubSpotApiException.FromTransport(operation, e.InnerException ?? e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw HubSpotApiException.FromTransport(operation, e);
        }
    }
}
