using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// Who a per-client limit counts a request against: the caller's address as the trusted forwarded headers give it (a
/// configured proxy's <c>X-Forwarded-For</c>, else the connection's own). An IPv6 caller is counted by its /64, the
/// block one home or phone is given, so a client cannot reset its count by moving to the next address.
/// </summary>
internal static class ClientAddress
{
    public static string Key(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return string.Create(CultureInfo.InvariantCulture, $"{new IPAddress(bytes)}/64");
    }
}
