using System.Globalization;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;
using static TheModel.Sync.Worker.Tests.Deploy.DeployFiles;
using static TheModel.Sync.Worker.Tests.Deploy.YamlPath;

namespace TheModel.Sync.Worker.Tests.Deploy;

public sealed class KubernetesManifestTests
{
    private static readonly YamlMappingNode DeploymentDoc = Yaml(Deployment);

    private static YamlMappingNode PodSpec => Map(Deployment, DeploymentDoc, "spec", "template", "spec");

    private static YamlMappingNode Container => (YamlMappingNode)Assert.Single(Seq(Deployment, PodSpec, "containers"));

    [Fact]
    public void EveryManifest_ParsesAsKubernetesObjects()
    {
        foreach (var file in Directory.EnumerateFiles(PathOf("deploy/kubernetes"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Root, file);
            var docs = YamlDocuments(relative);
            Assert.True(docs.Count > 0, $"{relative}: no YAML document");
            foreach (var doc in docs)
            {
                Assert.False(string.IsNullOrEmpty(TextOrNull(doc, "apiVersion")), $"{relative}: a document without apiVersion");
                Assert.False(string.IsNullOrEmpty(TextOrNull(doc, "kind")), $"{relative}: a document without kind");
            }
        }
    }

    [Fact]
    public void Kustomization_ListsEveryManifestButTheSecretExample()
    {
        var kustomization = Yaml(Kustomization);
        var resources = Seq(Kustomization, kustomization, "resources").Select(r => ((YamlScalarNode)r).Value!).ToList();
        var manifests = Directory.EnumerateFiles(PathOf("deploy/kubernetes"), "*.yaml").Select(f => Path.GetFileName(f)!)
            .Where(f => f is not "kustomization.yaml" and not "secret.example.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(manifests, resources.Order(StringComparer.Ordinal).ToList());
        Assert.DoesNotContain("secret.example.yaml", resources);
    }

    [Fact]
    public void ConfigMapGenerator_HoldsExactlyTheFilesOfConfig()
    {
        var generators = GeneratedConfigMaps();
        var config = PathOf("config");

        var yamlFiles = Directory.EnumerateFiles(config, "*.yaml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        var configMap = Assert.Contains("themodel-sync-config", generators);
        Assert.True(
            yamlFiles.SequenceEqual(configMap.Keys.Order(StringComparer.Ordinal)),
            $"{Kustomization}: themodel-sync-config holds [{string.Join(", ", configMap.Keys.Order(StringComparer.Ordinal))}] but config/ has [{string.Join(", ", yamlFiles)}]");

        var listFiles = Directory.EnumerateFiles(Path.Combine(config, "lists")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        var lists = Assert.Contains("themodel-sync-lists", generators);
        Assert.True(
            listFiles.SequenceEqual(lists.Keys.Order(StringComparer.Ordinal)),
            $"{Kustomization}: themodel-sync-lists holds [{string.Join(", ", lists.Keys.Order(StringComparer.Ordinal))}] but config/lists/ has [{string.Join(", ", listFiles)}]");

        foreach (var (key, source) in configMap.Concat(lists))
        {
            var full = Path.GetFullPath(Path.Combine(PathOf("deploy/kubernetes"), source));
            Assert.True(File.Exists(full), $"{Kustomization}: {key}={source} does not exist");
            Assert.True(Path.GetFileName(full) == key, $"{Kustomization}: key {key} is loaded from {source}; the worker looks for it under its own name");
        }

        Assert.True(Path.GetFullPath(Path.Combine(PathOf("deploy/kubernetes"), configMap["model.yaml"])) == Path.Combine(config, "model.yaml"), $"{Kustomization}: model.yaml does not come from config/");
    }

    [Fact]
    public void ConfigVolume_ProjectsBothConfigMapsWithListsUnderLists()
    {
        var generators = GeneratedConfigMaps();
        var volume = Volume(ConfigMount().Name);
        var sources = Seq(Deployment, volume, "projected", "sources").Select(s => Map(Deployment, s, "configMap")).ToList();
        var names = sources.Select(s => Text(Deployment, s, "name")).ToList();
        Assert.True(names.Order(StringComparer.Ordinal).SequenceEqual(generators.Keys.Order(StringComparer.Ordinal)), $"{Deployment}: the config volume projects [{string.Join(", ", names)}] but kustomization.yaml generates [{string.Join(", ", generators.Keys)}]");

        var config = sources.Single(s => Text(Deployment, s, "name") == "themodel-sync-config");
        Assert.True(Find(config, "items") is null, $"{Deployment}: themodel-sync-config must be projected whole, so a new *.yaml needs no edit here");

        var lists = sources.Single(s => Text(Deployment, s, "name") == "themodel-sync-lists");
        var items = Seq(Deployment, lists, "items").ToDictionary(i => Text(Deployment, i, "key"), i => Text(Deployment, i, "path"), StringComparer.Ordinal);
        foreach (var list in generators["themodel-sync-lists"].Keys)
        {
            Assert.True(items.TryGetValue(list, out var path), $"{Deployment}: the config volume has no item for {list}, which kustomization.yaml puts in themodel-sync-lists");
            Assert.True(path == "lists/" + list, $"{Deployment}: {list} is projected to {path}; config/model.yaml reads it from lists/{list}");
            Assert.True(File.Exists(PathOf(Path.Combine("config", path))), $"{Deployment}: {path} is not a file under config/");
        }
    }

    [Fact]
    public void ConfigMount_ReadOnlyAtThePathPassedWithConfig()
    {
        var (_, mountPath, readOnly) = ConfigMount();
        Assert.True(readOnly, $"{Deployment}: the config volume is mounted at {mountPath} without readOnly: true");
        var args = Seq(Deployment, Container, "args").Select(a => ((YamlScalarNode)a).Value!).ToList();
        var command = Seq(Deployment, Container, "command").Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("run", args[0]);
        Assert.Equal($"/app/{ExecutableName()}", command[0]);
        Assert.True(ConfigArgument(args) == mountPath, $"{Deployment}: --config {ConfigArgument(args)} but the config volume is mounted at {mountPath}");

        var docker = DockerfileModel.Parse(Read(Dockerfile));
        var entrypoint = Assert.Single(docker.FinalStage, i => i.Keyword == "ENTRYPOINT").Words();
        Assert.True(ConfigArgument(entrypoint) == mountPath, $"{Dockerfile}: ENTRYPOINT passes --config {ConfigArgument(entrypoint)} but {Deployment} mounts the config at {mountPath}");
    }

    [Fact]
    public void Ports_ContainerPortServiceAndProbesAgreeWithUrls()
    {
        var env = EnvValues();
        var port = PortOf(env["Urls"], Deployment);
        var containerPort = (YamlMappingNode)Assert.Single(Seq(Deployment, Container, "ports"));
        var portName = Text(Deployment, containerPort, "name");
        Assert.True(Text(Deployment, containerPort, "containerPort") == Str(port), $"{Deployment}: containerPort {Text(Deployment, containerPort, "containerPort")} but Urls={env["Urls"]}");

        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var probePort = Text(Deployment, Container, probe, "httpGet", "port");
            Assert.True(probePort == portName || probePort == Str(port), $"{Deployment}: {probe} port {probePort} is neither '{portName}' nor {port}");
        }

        var annotations = Scalars(Map(Deployment, DeploymentDoc, "spec", "template", "metadata", "annotations"));
        Assert.True(annotations["prometheus.io/port"] == Str(port), $"{Deployment}: prometheus.io/port {annotations["prometheus.io/port"]} but Urls={env["Urls"]}");

        var service = Yaml(Service);
        var servicePort = (YamlMappingNode)Assert.Single(Seq(Service, service, "spec", "ports"));
        var target = Text(Service, servicePort, "targetPort");
        Assert.True(target == portName || target == Str(port), $"{Service}: targetPort {target} is neither '{portName}' nor {port}");

        var docker = DockerfileModel.Environment(DockerfileModel.Parse(Read(Dockerfile)).FinalStage);
        Assert.True(PortOf(docker["Urls"].Value, Dockerfile) == port, $"{Dockerfile}: Urls={docker["Urls"].Value} but {Deployment} has Urls={env["Urls"]}");
    }

    [Fact]
    public void Probes_HealthzForLivenessAndStartup_ReadyzForReadiness()
    {
        Assert.Equal("/healthz", Text(Deployment, Container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/healthz", Text(Deployment, Container, "startupProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Text(Deployment, Container, "readinessProbe", "httpGet", "path"));
    }

    [Fact]
    public void SecurityContext_NonRootReadOnlyNoEscalationNoCapabilities_SameUserAsTheImage()
    {
        var pod = Map(Deployment, PodSpec, "securityContext");
        var container = Map(Deployment, Container, "securityContext");
        Assert.Equal("true", Text(Deployment, container, "runAsNonRoot"));
        Assert.Equal("true", Text(Deployment, container, "readOnlyRootFilesystem"));
        Assert.Equal("false", Text(Deployment, container, "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], Seq(Deployment, container, "capabilities", "drop").Select(d => ((YamlScalarNode)d).Value));

        var user = Assert.Single(DockerfileModel.Parse(Read(Dockerfile)).FinalStage, i => i.Keyword == "USER").Arguments.Split(':')[0];
        var runAsUser = Text(Deployment, pod, "runAsUser");
        Assert.True(runAsUser == user, $"{Deployment}: runAsUser {runAsUser} but the image's USER is {user}");
    }

    [Fact]
    public void TmpVolume_MountedWhereTmpdirPoints()
    {
        var env = EnvValues();
        var mounts = Seq(Deployment, Container, "volumeMounts").ToDictionary(m => Text(Deployment, m, "mountPath"), m => Text(Deployment, m, "name"), StringComparer.Ordinal);
        Assert.True(mounts.TryGetValue(env["TMPDIR"], out var name), $"{Deployment}: TMPDIR={env["TMPDIR"]} but nothing is mounted there (the root filesystem is read-only)");
        Assert.NotNull(Find(Volume(name), "emptyDir"));
    }

    [Fact]
    public void Replicas_SeveralWithResourcesAndAGracePeriodLongerThanTheHostsShutdown()
    {
        var replicas = int.Parse(Text(Deployment, DeploymentDoc, "spec", "replicas"), CultureInfo.InvariantCulture);
        Assert.True(replicas >= 2, $"{Deployment}: replicas {replicas}; several instances share the Redis");
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.True(Scalars(Map(Deployment, Container, "resources", kind)).ContainsKey("memory"), $"{Deployment}: resources.{kind} sets no memory");
        }

        Assert.True(Scalars(Map(Deployment, Container, "resources", "requests")).ContainsKey("cpu"), $"{Deployment}: resources.requests sets no cpu");

        var grace = TimeSpan.FromSeconds(int.Parse(Text(Deployment, PodSpec, "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture));
        var shutdown = new HostOptions().ShutdownTimeout;
        Assert.True(grace > shutdown, $"{Deployment}: terminationGracePeriodSeconds {grace.TotalSeconds} is not longer than the host's shutdown timeout ({shutdown.TotalSeconds} s)");
    }

    [Fact]
    public void ServiceAndDisruptionBudget_SelectTheWorkersPods()
    {
        var podLabels = Scalars(Map(Deployment, DeploymentDoc, "spec", "template", "metadata", "labels"));
        var matchLabels = Scalars(Map(Deployment, DeploymentDoc, "spec", "selector", "matchLabels"));
        foreach (var (file, selector) in new[]
        {
            (Deployment, matchLabels),
            (Service, Scalars(Map(Service, Yaml(Service), "spec", "selector"))),
            (Pdb, Scalars(Map(Pdb, Yaml(Pdb), "spec", "selector", "matchLabels"))),
        })
        {
            foreach (var (key, value) in selector)
            {
                Assert.True(podLabels.TryGetValue(key, out var actual) && actual == value, $"{file}: selects {key}={value} but the pods are labelled [{string.Join(", ", podLabels.Select(l => $"{l.Key}={l.Value}"))}]");
            }
        }

        var pdb = Scalars(Map(Pdb, Yaml(Pdb), "spec"));
        Assert.True(pdb.GetValueOrDefault("maxUnavailable") == "1" || pdb.ContainsKey("minAvailable"), $"{Pdb}: neither maxUnavailable: 1 nor minAvailable");
    }

    [Fact]
    public void Redis_ExternalServiceIsWhatTheSecretConnectsTo_WithAppendOnlyOn()
    {
        var service = Yaml(RedisService);
        Assert.Equal("ExternalName", Text(RedisService, service, "spec", "type"));
        var name = Text(RedisService, service, "metadata", "name");

        var connection = Secrets()["Redis__Configuration"];
        var host = connection.Split(',')[0].Split(':')[0];
        Assert.True(host == name, $"{SecretExample}: Redis__Configuration connects to '{host}' but {RedisService} names the Redis '{name}'");

        var conf = Read(RedisConf).Split('\n').Select(l => l.Trim()).Where(l => !l.StartsWith('#')).ToList();
        Assert.True(conf.Contains("appendonly yes"), $"{RedisConf}: no 'appendonly yes'");
        Assert.True(conf.Contains("appendfsync everysec"), $"{RedisConf}: no 'appendfsync everysec'");
        Assert.True(conf.Contains("maxmemory-policy noeviction"), $"{RedisConf}: no 'maxmemory-policy noeviction'");
    }

    [Fact]
    public void EnvironmentAndSecret_EveryNameIsASettingTheWorkerReads()
    {
        var keys = KnownSettings.Keys();
        var env = Seq(Deployment, Container, "env").Select(e => Text(Deployment, e, "name"));
        foreach (var (file, names) in new[] { (Deployment, env), (SecretExample, Secrets().Keys) })
        {
            foreach (var name in names)
            {
                Assert.True(KnownSettings.Problem(name, keys) is null, $"{file}: {KnownSettings.Problem(name, keys)}");
            }
        }

        var secretName = Text(SecretExample, Yaml(SecretExample), "metadata", "name");
        var envFrom = Seq(Deployment, Container, "envFrom").Select(e => TextOrNull(e, "secretRef", "name")).ToList();
        Assert.True(envFrom.Contains(secretName), $"{Deployment}: envFrom does not read the Secret {secretName} that {SecretExample} describes");
    }

    [Fact]
    public void Secret_ConnectsBothCrmsAndRedis_WithValuesTheWorkerAccepts()
    {
        var secret = Secrets();
        foreach (var required in new[] { "Redis__Configuration", "HubSpot__AccessToken", "HubSpot__ClientSecret", "Salesforce__ClientId", "Salesforce__OrganizationId" })
        {
            Assert.True(secret.ContainsKey(required), $"{SecretExample}: no {required}");
        }

        Assert.True(Enum.TryParse<TheModel.Sync.Salesforce.SalesforceAuthFlow>(secret["Salesforce__AuthFlow"], out _), $"{SecretExample}: Salesforce__AuthFlow '{secret["Salesforce__AuthFlow"]}' is not JwtBearer or ClientCredentials");
        Assert.True(TheModel.Sync.Core.Model.SalesforceIds.TryCanonical(secret["Salesforce__OrganizationId"], out _), $"{SecretExample}: Salesforce__OrganizationId '{secret["Salesforce__OrganizationId"]}' is not a Salesforce id");
        Assert.True(Uri.TryCreate(secret["HubSpot__WebhookUrl"], UriKind.Absolute, out var webhook) && webhook.AbsolutePath == "/webhooks/hubspot", $"{SecretExample}: HubSpot__WebhookUrl '{secret["HubSpot__WebhookUrl"]}' is not an absolute URL ending in /webhooks/hubspot");
    }

    private static Dictionary<string, string> Secrets() => Scalars(Map(SecretExample, Yaml(SecretExample), "stringData")).ToDictionary(StringComparer.Ordinal);

    private static Dictionary<string, string> EnvValues() =>
        Seq(Deployment, Container, "env").ToDictionary(e => Text(Deployment, e, "name"), e => Text(Deployment, e, "value"), StringComparer.Ordinal);

    private static (string Name, string MountPath, bool ReadOnly) ConfigMount()
    {
        var mount = Seq(Deployment, Container, "volumeMounts").Single(m => Text(Deployment, m, "name") == "config");
        return (Text(Deployment, mount, "name"), Text(Deployment, mount, "mountPath"), TextOrNull(mount, "readOnly") == "true");
    }

    private static YamlNode Volume(string name) =>
        Seq(Deployment, PodSpec, "volumes").SingleOrDefault(v => Text(Deployment, v, "name") == name)
        ?? throw new Xunit.Sdk.XunitException($"{Deployment}: no volume named {name}");

    /// <summary>Each configMapGenerator's files as key → source path (relative to deploy/kubernetes).</summary>
    private static Dictionary<string, Dictionary<string, string>> GeneratedConfigMaps() =>
        Seq(Kustomization, Yaml(Kustomization), "configMapGenerator").ToDictionary(
            g => Text(Kustomization, g, "name"),
            g => Seq(Kustomization, g, "files").Select(f => ((YamlScalarNode)f).Value!).ToDictionary(
                f => f.Contains('=', StringComparison.Ordinal) ? f[..f.IndexOf('=', StringComparison.Ordinal)] : Path.GetFileName(f),
                f => f.Contains('=', StringComparison.Ordinal) ? f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..] : f,
                StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
