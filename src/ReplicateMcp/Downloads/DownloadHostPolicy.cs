namespace ReplicateMcp.Downloads;

/// <summary>Decides which URLs outputs may be downloaded from (contract §1, §5).</summary>
internal sealed class DownloadHostPolicy
{
    private const string DeliveryHost = "replicate.delivery";

    private readonly string _apiHost;
    private readonly bool _apiIsHttp;
    private readonly HashSet<string> _exactHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];

    public DownloadHostPolicy(DownloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _apiHost = options.ApiBaseUrl.IdnHost;
        _apiIsHttp = options.ApiBaseUrl.Scheme == Uri.UriSchemeHttp;
        foreach (var raw in options.ExtraAllowedHosts)
        {
            var host = raw.Trim();
            if (host.StartsWith("*.", StringComparison.Ordinal) && host.Length > 2)
            {
                // Keep the leading dot so "*.example.com" matches "a.example.com" but not "evilexample.com".
                _suffixes.Add(host[1..]);
            }
            else if (host.Length > 0)
            {
                _exactHosts.Add(host);
            }
        }
    }

    /// <summary>True when <paramref name="uri"/> is an absolute http(s) URL on an allowed host with an acceptable scheme.</summary>
    public bool IsAllowed(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return false;
        }

        var host = uri.IdnHost;
        var isApiHost = string.Equals(host, _apiHost, StringComparison.OrdinalIgnoreCase);
        if (!IsAllowedHost(host, isApiHost))
        {
            return false;
        }

        // Plain http is only for local fakes and an API root that is itself configured as http.
        return uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback || (isApiHost && _apiIsHttp);
    }

    private bool IsAllowedHost(string host, bool isApiHost) =>
        isApiHost
        || string.Equals(host, DeliveryHost, StringComparison.OrdinalIgnoreCase)
        || host.EndsWith("." + DeliveryHost, StringComparison.OrdinalIgnoreCase)
        || _exactHosts.Contains(host)
        || _suffixes.Exists(suffix => host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
}
