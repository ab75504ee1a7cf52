using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config;

/// <summary>One entry of the config's <c>tests:</c> (section 11), parsed and checked but not run.</summary>
public sealed class ConfigTest
{
    internal ConfigTest(string name, Mark position, DateTimeOffset? at, Person person, IReadOnlyList<Account> accounts, IReadOnlyList<ConfigExpectation> expect)
    {
        Name = name;
        Position = position;
        At = at;
        Person = person;
        Accounts = accounts;
        Expect = expect;
    }

    public string Name { get; }

    /// <summary>Where the test's list item starts: a failing test is reported here.</summary>
    public Mark Position { get; }

    /// <summary>The evaluation time; null lets the runner choose (the command line's <c>--at</c>).</summary>
    public DateTimeOffset? At { get; }

    public Person Person { get; }

    /// <summary>The accounts the person may match (an addition to section 11 so that tests can exercise matching).</summary>
    public IReadOnlyList<Account> Accounts { get; }

    public IReadOnlyList<ConfigExpectation> Expect { get; }

    public override string ToString() => Name;
}

/// <summary>One <c>expect:</c> entry: a decision field and the value it must have.</summary>
public sealed class ConfigExpectation
{
    internal ConfigExpectation(string key, Value expected, string expectedText, Mark position)
    {
        Key = key;
        Expected = expected;
        ExpectedText = expectedText;
        Position = position;
    }

    /// <summary>The decision field: <c>owner</c>, <c>rule</c>, <c>account.matched</c>...</summary>
    public string Key { get; }

    /// <summary>The expected value; <see cref="Value.Missing"/> for <c>null</c>.</summary>
    public Value Expected { get; }

    /// <summary>The value as the YAML wrote it (<c>null</c> for null), for failure messages.</summary>
    public string ExpectedText { get; }

    /// <summary>Where the expectation's key is written.</summary>
    public Mark Position { get; }

    public override string ToString() => $"{Key}: {ExpectedText}";
}
