using System.Net;
using System.Net.Sockets;

namespace WWPS.PolicyBot.Hosting;

/// <summary>
/// Checks before start-up that the addresses the bot is told to listen on are free, so a busy port ends in one line
/// naming it (and how to choose another) rather than the host's stack trace.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>The first configured address whose port is already taken; null when all are free (or cannot be judged here).</summary>
    public static string? FirstBusy(string? urls)
    {
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(url, out var addresses, out var port))
            {
                continue;
            }

            foreach (var address in addresses)
            {
                try
                {
                    var listener = new TcpListener(address, port) { ExclusiveAddressUse = true };
                    listener.Start();
                    listener.Stop();
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    return url;
                }
                catch (SocketException)
                {
                    // Not available on this machine (no IPv6, say): Kestrel decides, as it would anyway.
                }
            }
        }

        return null;
    }

    private static bool TryParse(string url, out IPAddress[] addresses, out int port)
    {
        addresses = [];
        port = 0;

        // Kestrel's wildcards ("*", "+") are not valid URI hosts.
        var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            return false;
        }

        port = uri.Port;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
            return true;
        }

        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            addresses = [address];
            return true;
        }

        return false;
    }
}
