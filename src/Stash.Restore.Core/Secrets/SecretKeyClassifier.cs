namespace Stash.Restore.Core.Secrets;

/// <summary>What a Secret key's value is, for masking.</summary>
internal enum SecretKeyKind
{
    /// <summary>A credential: masked wherever it appears.</summary>
    Credential,

    /// <summary>An identifier, region, endpoint or public certificate: shown as is, so log lines stay readable.</summary>
    Identifier,
}

/// <summary>
/// The one list of which backend Secret keys hold credentials (masked) and which hold identifiers
/// (shown). Matching is case-insensitive on the key name. The order of the rules matters:
/// <list type="number">
/// <item>a name containing <c>PASSWORD</c>, <c>PASSPHRASE</c>, <c>SECRET</c>, <c>TOKEN</c>, <c>SAS</c> or <c>PRIVATE</c> is a credential
/// (<c>RESTIC_PASSWORD</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, <c>AZURE_ACCOUNT_SAS</c>, <c>OS_AUTH_TOKEN</c>,
/// <c>OS_APPLICATION_CREDENTIAL_SECRET</c>, <c>REST_SERVER_PASSWORD</c>);</item>
/// <item>a name in <see cref="IdentifierNames"/> or ending in one of <see cref="IdentifierSuffixes"/> is an identifier
/// (<c>REST_SERVER_USERNAME</c>, <c>AZURE_ACCOUNT_NAME</c>, <c>B2_ACCOUNT_ID</c>, <c>GOOGLE_PROJECT_ID</c>, <c>OS_PROJECT_NAME</c>,
/// <c>AWS_ACCESS_KEY_ID</c>, <c>ST_USER</c>, <c>AWS_DEFAULT_REGION</c>, <c>OS_AUTH_URL</c>, <c>CA_CERT_DATA</c>);</item>
/// <item>everything else is a credential: <c>*_KEY</c> (<c>AZURE_ACCOUNT_KEY</c>, <c>B2_ACCOUNT_KEY</c>, <c>ST_KEY</c>),
/// <c>GOOGLE_SERVICE_ACCOUNT_JSON_KEY</c>, and any key this list does not know — an unknown key is never assumed harmless.</item>
/// </list>
/// </summary>
internal static class SecretKeyClassifier
{
    /// <summary>Words that make a key a credential whatever else its name says.</summary>
    public static readonly IReadOnlyList<string> CredentialMarkers = ["PASSWORD", "PASSPHRASE", "SECRET", "TOKEN", "SAS", "PRIVATE"];

    /// <summary>Whole key names that are identifiers, endpoints or public data.</summary>
    public static readonly IReadOnlyList<string> IdentifierNames =
    [
        "ST_USER", "ST_AUTH", "CA_CERT_DATA", "AWS_DEFAULT_REGION", "AWS_REGION", "AZURE_ENDPOINT_SUFFIX",
        "OS_INTERFACE", "OS_IDENTITY_API_VERSION", "OS_STORAGE_URL",
    ];

    /// <summary>Name endings that mark identifiers (user names, account and project ids/names, key ids, regions, endpoints).</summary>
    public static readonly IReadOnlyList<string> IdentifierSuffixes =
    [
        "_USERNAME", "_USER", "_USER_ID", "_ACCOUNT_NAME", "_ACCOUNT_ID", "_PROJECT_ID", "_PROJECT_NAME",
        "_KEY_ID", "_CREDENTIAL_ID", "_TENANT_ID", "_TENANT_NAME", "_DOMAIN_ID", "_DOMAIN_NAME",
        "_REGION", "_REGION_NAME", "_ENDPOINT", "_AUTH_URL",
    ];

    public static SecretKeyKind Classify(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = key.Trim().ToUpperInvariant();
        if (CredentialMarkers.Any(marker => name.Contains(marker, StringComparison.Ordinal)))
            return SecretKeyKind.Credential;
        if (IdentifierNames.Contains(name, StringComparer.Ordinal)
            || IdentifierSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal)))
            return SecretKeyKind.Identifier;
        return SecretKeyKind.Credential;
    }

    public static bool IsCredential(string key) => Classify(key) == SecretKeyKind.Credential;
}
