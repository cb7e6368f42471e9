using System.Net;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// Where a request's connection really came from, read before any forwarded header is applied, and whether the
/// request said it was relayed for someone else. Local mode trusts this machine, and only this tells it apart from a
/// caller who writes <c>X-Forwarded-For: 127.0.0.1</c>.
/// </summary>
internal sealed record ConnectionOrigin(IPAddress? Address, bool Forwarded)
{
    // Headers by which a proxy says it relays another party; a request carrying one is not this machine's own.
    private static readonly string[] RelayHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP"];

    /// <summary>A caller on this machine speaking for itself: a loopback connection that names nobody else.</summary>
    public bool IsThisMachine => Address is not null && IPAddress.IsLoopback(Address) && !Forwarded;

    /// <summary>The origin captured for this request, or (where nothing captured it) the connection as it stands.</summary>
    public static ConnectionOrigin Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ConnectionOrigin>() ?? Capture(context);
    }

    internal static ConnectionOrigin Capture(HttpContext context) =>
        new(context.Connection.RemoteIpAddress, RelayHeaders.Any(context.Request.Headers.ContainsKey));
}

/// <summary>
/// Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are believed only from the proxies the
/// operator names in <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
/// ranges); with neither, from a proxy on this machine (loopback) only. The web host's own switch,
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>, believes them from anyone: its middleware is taken out, and the options
/// are fixed after everything else has configured them, so that switch cannot widen the trust.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (proxies, networks) = Read(configuration.GetSection(Section));

        // The defaults' middleware for ASPNETCORE_FORWARDEDHEADERS_ENABLED (an internal startup filter, known by name);
        // ours below does the same with the trust configured here.
        foreach (var filter in services.Where(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.Name == "ForwardedHeadersStartupFilter").ToList())
        {
            services.Remove(filter);
        }

        // PostConfigure runs after every Configure, including the one that switch registers (which clears both lists,
        // and empty lists mean "trust every sender").
        services.PostConfigure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Count + networks.Count == 0 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });

        // First of all startup filters, so the origin is read before any forwarded header is applied.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, OriginFirst>());
        return services;
    }

    private static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) Read(IConfigurationSection section)
    {
        var proxies = new List<IPAddress>();
        foreach (var value in Values(section.GetSection("KnownProxies")))
        {
            proxies.Add(IPAddress.TryParse(value, out var address)
                ? address
                : throw new InvalidOperationException($"{Section}:KnownProxies: \"{value}\" is not an IP address."));
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var value in Values(section.GetSection("KnownNetworks")))
        {
            networks.Add(System.Net.IPNetwork.TryParse(value, out var network)
                ? network
                : throw new InvalidOperationException($"{Section}:KnownNetworks: \"{value}\" is not a network in CIDR form (e.g. 10.0.0.0/8)."));
        }

        return (proxies, networks);
    }

    /// <summary>A list as configuration gives it: array entries (<c>KnownProxies:0</c>…) or one comma-separated value.</summary>
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? string.Empty))
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private sealed class OriginFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Features.Set(ConnectionOrigin.Capture(context));
                return nextMiddleware(context);
            });
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
