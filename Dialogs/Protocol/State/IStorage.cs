using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WWPS.PolicyBot.Protocol;

/// <summary>A stored JSON value and the version tag it was read with.</summary>
/// <param name="ETag">
/// On read: the stored version. On write: <c>null</c> or <c>"*"</c> overwrite whatever is there; any other value
/// must equal the stored version, else the write fails with <see cref="StorageConcurrencyException"/>.
/// </param>
public sealed record StoreItem(JsonElement Value, string? ETag = null)
{
    public const string AnyETag = "*";

    /// <summary>True when a write with this ETag must match the stored version.</summary>
    public static bool IsConditional(string? etag) => etag is not null && etag != AnyETag;
}

/// <summary>Key conventions that every <see cref="IStorage"/> provider keeps.</summary>
public static class StorageKeys
{
    /// <summary>
    /// Keys under this prefix hold records with a retention period of their own (the Manager's insights), deleted by
    /// their owner. A provider's idle-state purge, which removes conversation and user state nobody has written for a
    /// day, must leave them alone: a count from last month was last written last month and is meant to be there.
    /// </summary>
    public const string Retained = "retained/";

    /// <summary>
    /// A key part that stands for <paramref name="secret"/> without revealing it (SHA-256, lower-case hex): a session id
    /// or a client's address is looked up by it, but a copy of the store gives neither back.
    /// </summary>
    public static string Hashed(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>Key/value storage with optimistic concurrency; conversation and user state, escalations live on it.</summary>
public interface IStorage
{
    /// <summary>Items that exist; missing keys are simply absent from the result.</summary>
    Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes all changes or none. Returns the new ETag of each key.</summary>
    Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken);

    /// <summary>Deletes the keys; missing keys are not an error.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}

/// <summary>
/// Someone else wrote the item since it was read. The turn that loses should not retry blindly: its replies
/// were built on state that is now stale.
/// </summary>
public sealed class StorageConcurrencyException : Exception
{
    public StorageConcurrencyException()
    {
    }

    public StorageConcurrencyException(string message) : base(message)
    {
    }

    public StorageConcurrencyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public string? Key { get; init; }

    public static StorageConcurrencyException For(string key) =>
        new($"The stored item '{key}' was changed by someone else since it was read.") { Key = key };
}

/// <summary>Storage could not be reached or opened; says where, never what was being stored.</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message) : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
