using System.Net.Http.Headers;
using Google.Protobuf;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>Protobuf bodies beyond what kubectl sends in the kubectl tests: kinds not decoded, broken envelopes, auth first.</summary>
public sealed class ProtobufTests : IAsyncLifetime
{
    private TestApiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _http = new HttpClient(ApiClient.CreateHandler(_server)) { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>The k8s\0 envelope: runtime.Unknown {typeMeta{apiVersion 1, kind 2} 1, raw 2}.</summary>
    private static byte[] Envelope(string apiVersion, string kind, ByteString raw)
    {
        using var typeBuffer = new MemoryStream();
        var typeOutput = new CodedOutputStream(typeBuffer);
        typeOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
        typeOutput.WriteString(apiVersion);
        typeOutput.WriteTag(2, WireFormat.WireType.LengthDelimited);
        typeOutput.WriteString(kind);
        typeOutput.Flush();
        using var buffer = new MemoryStream();
        buffer.Write("k8s\0"u8);
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(typeBuffer.ToArray()));
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(raw);
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>ObjectMeta {name 1} inside field 1 of the object.</summary>
    private static ByteString WithName(string name)
    {
        using var meta = new MemoryStream();
        var metaOutput = new CodedOutputStream(meta);
        metaOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
        metaOutput.WriteString(name);
        metaOutput.Flush();
        using var obj = new MemoryStream();
        var objOutput = new CodedOutputStream(obj);
        objOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
        objOutput.WriteBytes(ByteString.CopyFrom(meta.ToArray()));
        objOutput.Flush();
        return ByteString.CopyFrom(obj.ToArray());
    }

    private async Task<Response> PostAsync(string path, byte[] body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.kubernetes.protobuf");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return new Response((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, [], null);
    }

    [Fact]
    public async Task A_configmap_in_protobuf_is_stored_and_answered_in_json()
    {
        var response = await PostAsync("/api/v1/namespaces/default/configmaps", Envelope("v1", "ConfigMap", WithName("from-proto")), _server.AdminToken);

        Assert.Equal(201, response.Code);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("from-proto", (string?)response.Json["metadata"]!["name"]);
        Assert.NotNull(_server.Get("v1", "ConfigMap", "default", "from-proto"));
    }

    [Fact]
    public async Task A_kind_not_decoded_is_415_naming_it_and_a_broken_envelope_400_but_only_after_authentication()
    {
        var pod = await PostAsync("/api/v1/namespaces/default/pods", Envelope("v1", "Pod", WithName("p")), _server.AdminToken);
        var noMagic = await PostAsync("/api/v1/namespaces/default/configmaps", [0x0a, 0x00], _server.AdminToken);
        var truncated = await PostAsync("/api/v1/namespaces/default/configmaps", Envelope("v1", "ConfigMap", WithName("x"))[..12], _server.AdminToken);
        var anonymous = await PostAsync("/api/v1/namespaces/default/configmaps", [0x0a, 0x00], token: null);

        Assert.Equal(415, pod.Code);
        Assert.Equal("the test API server decodes protobuf only for v1 Namespace, Secret and ConfigMap and the rbac.authorization.k8s.io/v1 kinds, not Pod in \"v1\": send application/json", pod.Message);
        Assert.Equal(400, noMagic.Code);
        Assert.Contains("not a Kubernetes protobuf envelope", noMagic.Message, StringComparison.Ordinal);
        Assert.Equal(400, truncated.Code);
        Assert.Contains("could not be decoded", truncated.Message, StringComparison.Ordinal);
        Assert.Equal(401, anonymous.Code);
    }
}
