using System.Security.Cryptography;
using System.Text;

namespace NationalAiEval.Api.Auth;

/// <summary>
/// Secrets look like <c>nae_&lt;keyId&gt;_&lt;43 random characters&gt;</c>. The key id is public (it names the key in
/// lists and audit entries) and finds the row; the whole secret carries 256 random bits and is stored only as its
/// SHA-256. A fast hash is enough here because nobody can guess 256 random bits, unlike a password.
/// </summary>
public static class ApiKeySecret
{
    private const string Prefix = "nae_";
    private const string KeyIdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private const int KeyIdLength = 12;

    public static (string KeyId, string Secret) Generate()
    {
        var keyId = RandomNumberGenerator.GetString(KeyIdAlphabet, KeyIdLength);
        return (keyId, GenerateFor(keyId));
    }

    /// <summary>A new secret for an existing key id (a rotation).</summary>
    public static string GenerateFor(string keyId) => $"{Prefix}{keyId}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    public static bool TryParseKeyId(string secret, out string keyId)
    {
        keyId = string.Empty;
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return false;
        }

        var separator = secret.IndexOf('_', Prefix.Length);
        if (separator != Prefix.Length + KeyIdLength || separator == secret.Length - 1)
        {
            return false;
        }

        keyId = secret[Prefix.Length..separator];
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so the comparison's duration says nothing about how much of a guess was right.</summary>
    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
