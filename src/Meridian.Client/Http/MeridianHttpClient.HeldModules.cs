using System.Security.Cryptography;

namespace Meridian.Client.Http;

public sealed partial class MeridianHttpClient
{
    // Hashes of modules a pre_publish of this client uploaded and the server said it keeps; the publish that follows names one
    // instead of uploading it again. Small: one entry per plan not yet followed by its publish.
    private readonly HashSet<string> _heldModules = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The lowercase hex SHA-256 of a module, the name the server keeps it under.</summary>
    internal static string ModuleHash(byte[] module)
    {
#if NET
        return Convert.ToHexStringLower(SHA256.HashData(module));
#else
        using var sha = SHA256.Create();
        return BitConverter.ToString(sha.ComputeHash(module)).Replace("-", "").ToLowerInvariant();
#endif
    }

    private void RememberHeld(string hash)
    {
        lock (_heldModules)
            _heldModules.Add(hash.Trim());
    }

    // Whether the server was said to keep the module; it is forgotten either way (a publish uses it once).
    private bool ForgetHeld(string hash)
    {
        lock (_heldModules)
            return _heldModules.Remove(hash);
    }

    // Sends a request whose body may take a while to go up, telling `current()` every interval while the server is at work
    // (null until there is something to say, e.g. until the upload ends); reads the whole answer, successful or not.
    private async Task<HttpApiResponse> SendReportingAsync(
        HttpMethod method, string relativeUrl, HttpContent? content, Func<IProgress<TransferProgress>?> current, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var sending = SendCoreAsync(method, relativeUrl, content, Token, HttpCompletionOption.ResponseContentRead, timeout.Token);
            await WaitReportingAsync(sending, null, timeout.Token, current).ConfigureAwait(false);
            using var response = await sending.ConfigureAwait(false);
            return await ReadAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }
}
