using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Secrets;

/// <summary>The shapes a credential takes in printed text, each registered with the masker.</summary>
public sealed class SecretFormsTests
{
    [Fact]
    public void A_value_is_kept_trimmed_url_encoded_and_json_escaped()
    {
        var forms = SecretForms.Of("p@ss \"word\"/1\n").ToHashSet();

        Assert.Contains("p@ss \"word\"/1", forms);
        Assert.Contains("p%40ss%20%22word%22%2F1", forms);
        Assert.Contains("p@ss \\\"word\\\"/1", forms);
        Assert.DoesNotContain("p@ss \"word\"/1\n", forms);
    }

    [Fact]
    public void A_multi_line_value_adds_each_line_but_not_pem_armour_or_punctuation()
    {
        var forms = SecretForms.Of("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n}\n-----END PRIVATE KEY-----\n").ToHashSet();

        Assert.Contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", forms);
        Assert.DoesNotContain("-----BEGIN PRIVATE KEY-----", forms);
        Assert.DoesNotContain("}", forms);
    }

    [Fact]
    public void A_json_key_file_adds_its_credential_fields_decoded_and_as_written_but_not_its_other_fields()
    {
        const string KeyFile = """
            {
              "type": "service_account",
              "project_id": "demo-project",
              "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
              "client_secret": "cs-4711"
            }
            """;

        var forms = SecretForms.Of(KeyFile).ToHashSet();

        Assert.Contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", forms);
        Assert.Contains("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n", forms);
        Assert.Contains("cs-4711", forms);
        Assert.DoesNotContain("service_account", forms);
        Assert.DoesNotContain("demo-project", forms);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n")]
    public void Nothing_or_whitespace_has_no_form(string? value)
    {
        Assert.Empty(SecretForms.Of(value));
    }
}
