using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Secrets;

public sealed class SecretKeyClassifierTests
{
    [Theory]
    [InlineData("RESTIC_PASSWORD")]
    [InlineData("REST_SERVER_PASSWORD")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_SESSION_TOKEN")]
    [InlineData("AZURE_ACCOUNT_KEY")]
    [InlineData("AZURE_ACCOUNT_SAS")]
    [InlineData("B2_ACCOUNT_KEY")]
    [InlineData("ST_KEY")]
    [InlineData("OS_PASSWORD")]
    [InlineData("OS_AUTH_TOKEN")]
    [InlineData("OS_APPLICATION_CREDENTIAL_SECRET")]
    [InlineData("GOOGLE_SERVICE_ACCOUNT_JSON_KEY")]
    [InlineData("MY_CLIENT_SECRET_ID")] // SECRET wins over the _ID ending
    [InlineData("SOMETHING_NEW")] // unknown keys are masked
    [InlineData("api-key")]
    public void Credentials_are_masked(string key) =>
        Assert.Equal(SecretKeyKind.Credential, SecretKeyClassifier.Classify(key));

    [Theory]
    [InlineData("REST_SERVER_USERNAME")]
    [InlineData("AZURE_ACCOUNT_NAME")]
    [InlineData("B2_ACCOUNT_ID")]
    [InlineData("GOOGLE_PROJECT_ID")]
    [InlineData("OS_PROJECT_NAME")]
    [InlineData("OS_USERNAME")]
    [InlineData("OS_USER_DOMAIN_NAME")]
    [InlineData("OS_REGION_NAME")]
    [InlineData("OS_AUTH_URL")]
    [InlineData("OS_APPLICATION_CREDENTIAL_ID")]
    [InlineData("AWS_ACCESS_KEY_ID")]
    [InlineData("AWS_DEFAULT_REGION")]
    [InlineData("AZURE_ENDPOINT_SUFFIX")]
    [InlineData("ST_USER")]
    [InlineData("ST_AUTH")]
    [InlineData("CA_CERT_DATA")]
    [InlineData("aws_default_region")]
    public void Identifiers_are_shown(string key) =>
        Assert.Equal(SecretKeyKind.Identifier, SecretKeyClassifier.Classify(key));
}
