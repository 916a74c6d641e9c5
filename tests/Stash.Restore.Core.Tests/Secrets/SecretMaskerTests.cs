using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Secrets;

public sealed class SecretMaskerTests
{
    private static SecretMasker With(params string[] secrets)
    {
        var masker = new SecretMasker();
        masker.AddRange(secrets);
        return masker;
    }

    [Fact]
    public void A_three_character_password_is_masked_where_it_stands_alone_but_not_inside_words()
    {
        var masker = With("xq7");

        Assert.Equal("pw=*** ok", masker.Apply("pw=xq7 ok"));
        Assert.Equal("[***]", masker.Apply("[xq7]"));
        Assert.Equal("***", masker.Apply("xq7"));
        Assert.Equal("xq7z and axq7 and xq7_1", masker.Apply("xq7z and axq7 and xq7_1"));
    }

    [Fact]
    public void A_one_character_password_is_masked_as_a_token()
    {
        var masker = With("7");
        Assert.Equal("password is ***, 17 files", masker.Apply("password is 7, 17 files"));
    }

    [Fact]
    public void Long_values_are_masked_inside_other_text_too()
    {
        var masker = With("hunter2-password");
        Assert.Equal("xx***yy", masker.Apply("xxhunter2-passwordyy"));
    }

    [Fact]
    public void A_secret_that_contains_another_is_masked_whole()
    {
        var masker = With("abcdefgh", "abcdefgh-longer-one");
        Assert.Equal("[***]", masker.Apply("[abcdefgh-longer-one]"));
    }

    [Fact]
    public void A_secret_data_of_identifiers_leaves_ordinary_lines_readable()
    {
        var masker = new SecretMasker();
        var registration = masker.RegisterSecretData("Secret demo/repo-secret", new Dictionary<string, string>
        {
            ["REST_SERVER_USERNAME"] = "stash",
            ["REST_SERVER_PASSWORD"] = "wrong",
            ["OS_PROJECT_NAME"] = "demo",
            ["B2_ACCOUNT_ID"] = "data",
            ["OS_USERNAME"] = "restic",
            ["RESTIC_PASSWORD"] = "wrong",
        });

        string[] lines =
        [
            "[demo/rs1 host-0] Restoring host host-0 by rule 0 from source host host-0 (1 restic call(s), restic 0.18.0)",
            "restic: restoring path /srv/data from rest:http://stash:***@127.0.0.1:8000/stash-repo",
            "restic restore failed: wrong password for repository local:/r (exit 12); check RESTIC_PASSWORD in the backend Secret",
            "Fatal: wrong password or no key found",
        ];
        foreach (var line in lines)
            Assert.Equal(line, masker.Apply(line));
        Assert.Equal(["RESTIC_PASSWORD", "REST_SERVER_PASSWORD"], registration.MaskedKeys);
        Assert.Equal(["B2_ACCOUNT_ID", "OS_PROJECT_NAME", "OS_USERNAME", "REST_SERVER_USERNAME"], registration.ShownKeys);
        // The credential itself is still masked where it is a value.
        Assert.Equal("the password is ***", masker.Apply("the password is wrong"));
    }

    [Fact]
    public void Unknown_keys_and_sas_tokens_are_masked()
    {
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/azure", new Dictionary<string, string>
        {
            ["AZURE_ACCOUNT_NAME"] = "acct",
            ["AZURE_ACCOUNT_SAS"] = "sv=2024-01-01&sig=Zm9vYmFy",
            ["SOME_NEW_THING"] = "nt-value-42",
        });
        Assert.Equal("acct: *** / ***", masker.Apply("acct: sv=2024-01-01&sig=Zm9vYmFy / nt-value-42"));
    }

    [Fact]
    public void A_gcs_keys_private_key_is_masked_line_by_line_and_as_written_in_the_file()
    {
        const string pemBody1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        const string pemBody2 = "MkbuQSn4v2TLUGyuBDlN3jHrcTDn5TkDSmc0m3NdiT5N1dWJZqy1RXZ6HeWAYbrs";
        const string tail = "AbC1";
        var pem = $"-----BEGIN PRIVATE KEY-----\n{pemBody1}\n{pemBody2}\n{tail}\n-----END PRIVATE KEY-----\n";
        var json = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n"
            + $"  \"private_key\": \"{pem.Replace("\n", "\\n", StringComparison.Ordinal)}\",\n"
            + "  \"client_email\": \"restic@demo-project.iam.gserviceaccount.com\"\n}\n";
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/gcs", new Dictionary<string, string> { ["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"] = json });

        // A hook that prints the decoded key shows it line by line.
        Assert.Equal("***", masker.Apply(pemBody1));
        Assert.Equal("***", masker.Apply(pemBody2));
        Assert.Equal("***", masker.Apply(tail));
        // A hook that prints the file shows the JSON-escaped key on one line.
        var fileLine = json.Split('\n').Single(l => l.Contains("private_key", StringComparison.Ordinal));
        Assert.Equal("  \"private_key\": \"***\",", masker.Apply(fileLine));
        // The armour and the identifiers stay readable.
        Assert.Equal("-----BEGIN PRIVATE KEY-----", masker.Apply("-----BEGIN PRIVATE KEY-----"));
        Assert.Equal("  \"project_id\": \"demo-project\",", masker.Apply("  \"project_id\": \"demo-project\","));
    }

    [Fact]
    public void Url_encoded_and_json_escaped_forms_are_masked()
    {
        const string password = "p@ss/w rd\"!";
        var masker = With(password);
        Assert.Equal("rest:http://u:***@h/r", masker.Apply($"rest:http://u:{Uri.EscapeDataString(password)}@h/r"));
        Assert.Equal("{\"pw\":\"***\"}", masker.Apply("{\"pw\":\"p@ss/w rd\\\"!\"}"));
    }

    [Fact]
    public void A_password_in_any_url_is_hidden_even_when_never_registered()
    {
        var masker = new SecretMasker();
        Assert.Equal("cannot reach https://admin:***@10.0.0.1:6443/api: refused", masker.Apply("cannot reach https://admin:kube-pw@10.0.0.1:6443/api: refused"));
        Assert.Equal("rest:http://user:***@host:8000/repo", masker.Apply("rest:http://user:p@ss@host:8000/repo"));
        Assert.Equal("http://host:8080/a@b", masker.Apply("http://host:8080/a@b"));
    }

    [Fact]
    public void Identifier_urls_with_a_password_register_that_password()
    {
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/swift", new Dictionary<string, string> { ["ST_AUTH"] = "https://svc:auth-pw-123@swift.example/auth/v1.0" });
        Assert.Equal("echo ***", masker.Apply("echo auth-pw-123"));
        Assert.Equal("https://svc:***@swift.example/auth/v1.0", masker.Apply("https://svc:auth-pw-123@swift.example/auth/v1.0"));
    }

    [Fact]
    public void Shortening_after_masking_never_shows_part_of_a_secret()
    {
        const string secret = "ABCDEFGHIJKLMNOP";
        var masker = With(secret);
        var text = new string('x', 20) + secret + new string('y', 20);
        // The cut at 28 falls inside the secret: cutting first would print "ABCDEFGH".
        var shortened = masker.ApplyAndShorten(text, 28);
        Assert.DoesNotContain("ABCD", shortened, StringComparison.Ordinal);
        Assert.StartsWith(new string('x', 20) + "***", shortened, StringComparison.Ordinal);
        var end = masker.ApplyAndKeepEnd(new string('x', 20) + secret + "tail", 10);
        Assert.DoesNotContain("MNOP", end, StringComparison.Ordinal);
        Assert.Equal("…xxx***tail", end);
    }
}
