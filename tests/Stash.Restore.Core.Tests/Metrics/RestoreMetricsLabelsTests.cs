using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Tests.Metrics;

/// <summary>The labels and the Pushgateway job a unit's metrics are pushed under.</summary>
public sealed class RestoreMetricsLabelsTests
{
    [Fact]
    public void JobNameIsLowercasedKindNamespaceAndName() =>
        Assert.Equal("restoresession-demo-sts-restore", RestoreMetricsTests.Labels.JobName);

    [Theory]
    [InlineData("apps/v1", "apps")]
    [InlineData("v1", "")]
    [InlineData("appcatalog.appscode.com/v1alpha1", "appcatalog.appscode.com")]
    [InlineData(null, "")]
    public void GroupIsTheApiVersionBeforeTheSlash(string? apiVersion, string expected) =>
        Assert.Equal(expected, RestoreMetricsLabels.GroupOf(apiVersion));
}
