using System.Net;
using System.Net.Http.Headers;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Puts the bearer token on every request in KubernetesClient.Aot's HTTP pipeline (each retry
/// gets the current token) and, after a 401, re-reads a rotated token file and tries once more.
/// Every token it sends is registered with the masker first, so none can be printed, whichever
/// source (file, exec plugin) it came from.
/// </summary>
internal sealed class BearerTokenHandler(BearerTokenSource token, SecretMasker? masker) : DelegatingHandler
{
    private string? _registered;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // A projected token may have rotated since it was read: one more try with the new one.
        if (response.StatusCode != HttpStatusCode.Unauthorized || !token.Refresh())
            return response;
        response.Dispose();
        await AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var value = await token.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(value, Volatile.Read(ref _registered), StringComparison.Ordinal))
        {
            masker?.Add(value);
            Volatile.Write(ref _registered, value);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
    }
}
