using TheModel.Sync.Config.Diagnostics;
using YamlCore = YamlDotNet.Core;
using YamlEvents = YamlDotNet.Core.Events;

namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// Turns YamlDotNet's event stream into <see cref="YamlNode"/>s, iteratively (no recursion, so deep
/// nesting cannot overflow the stack), reporting every problem it meets.
/// </summary>
internal sealed class YamlTreeBuilder
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    private readonly string _file;
    private readonly string _text;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<Frame> _frames = new();

    private YamlNode? _root;
    private int _documents;
    private int _aliases;
    private long _expandedNodes;
    private Mark? _expansionExceededAt;
    private bool _unusable;

    public YamlTreeBuilder(string file, string text, DiagnosticBag diagnostics)
    {
        _file = file;
        _text = text;
        _diagnostics = diagnostics;
    }

    public YamlNode? Build()
    {
        var scanner = new YamlCore.Scanner(new StringReader(_text), skipComments: true);
        var parser = new YamlCore.Parser(scanner);
        try
        {
            while (parser.MoveNext())
            {
                if (!Accept(parser.Current!))
                {
                    return null;
                }
            }
        }
        catch (YamlCore.YamlException ex)
        {
            var at = ex.Start.Line > 0 ? ex.Start : scanner.CurrentPosition;
            _diagnostics.Add(ToMark(at), DiagnosticCodes.YamlSyntax, $"YAML syntax error: {ex.Message}");
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // YamlDotNet's scanner throws plain exceptions on some malformed input (for example a
            // flow collection left unclosed before a less indented line); they are still the
            // operator's syntax errors, not ours.
            _diagnostics.Add(
                ToMark(scanner.CurrentPosition),
                DiagnosticCodes.YamlSyntax,
                "YAML syntax error: unexpected text; check the indentation and that every '[' and '{' is closed");
            return null;
        }

        if (_expansionExceededAt is { } exceededAt && _aliases <= YamlDocumentReader.MaxAliases)
        {
            _diagnostics.Add(
                exceededAt,
                DiagnosticCodes.TooManyAliases,
                $"YAML aliases expand to more than {YamlDocumentReader.MaxExpandedNodes:N0} nodes; simplify the anchors");
        }

        if (_unusable || _expansionExceededAt is not null)
        {
            return null;
        }

        return _root switch
        {
            null or YamlScalar { IsPlain: true, Text.Length: 0 } =>
                new YamlMapping(new Mark(_file, 1, 1), new Mark(_file, 1, 1), [], 1),
            _ => _root,
        };
    }

    /// <summary>Handles one event; false stops reading (the file cannot be used).</summary>
    private bool Accept(YamlEvents.ParsingEvent e)
    {
        if (e is YamlEvents.DocumentStart)
        {
            _documents++;
            if (_documents == 2)
            {
                _diagnostics.Add(ToMark(e.Start), DiagnosticCodes.MultipleDocuments, "only one YAML document per file is allowed");
            }

            return true;
        }

        if (_documents > 1)
        {
            // Only the first document is built; the rest is still parsed for syntax errors.
            return true;
        }

        switch (e)
        {
            case YamlEvents.Scalar scalar:
                CheckTag(scalar);
                var node = new YamlScalar(ToMark(scalar.Start), ToMark(scalar.End), scalar.Value, ToStyle(scalar.Style));
                CountNode(1);
                RegisterAnchor(scalar.Anchor, node);
                Attach(node);
                return true;

            case YamlEvents.MappingStart or YamlEvents.SequenceStart:
                return Open((YamlEvents.NodeEvent)e);

            case YamlEvents.MappingEnd or YamlEvents.SequenceEnd:
                Close(e);
                return true;

            case YamlEvents.AnchorAlias alias:
                OnAlias(alias);
                return true;

            default:
                return true;
        }
    }

    private bool Open(YamlEvents.NodeEvent e)
    {
        CheckTag(e);
        if (_frames.Count >= YamlDocumentReader.MaxDepth)
        {
            _diagnostics.Add(
                ToMark(e.Start),
                DiagnosticCodes.YamlSyntax,
                $"YAML syntax error: mappings and sequences are nested more than {YamlDocumentReader.MaxDepth} levels deep");
            return false;
        }

        CountNode(1);
        string? anchor = null;
        if (!e.Anchor.IsEmpty)
        {
            // The anchor names this node only once it is complete; until then an alias to it
            // would make the tree contain itself.
            anchor = e.Anchor.Value;
            _anchors.Remove(anchor);
        }

        _frames.Push(new Frame(e is YamlEvents.MappingStart, ToMark(e.Start), anchor));
        return true;
    }

    private void Close(YamlEvents.ParsingEvent e)
    {
        var frame = _frames.Pop();
        YamlNode node = frame.IsMapping
            ? new YamlMapping(frame.Start, ToMark(e.End), frame.Entries.AsReadOnly(), frame.Size)
            : new YamlSequence(frame.Start, ToMark(e.End), frame.Items.AsReadOnly(), frame.Size);
        if (frame.Anchor is not null)
        {
            _anchors[frame.Anchor] = node;
        }

        Attach(node);
    }

    private void OnAlias(YamlEvents.AnchorAlias alias)
    {
        var at = ToMark(alias.Start);
        _aliases++;
        if (_aliases == YamlDocumentReader.MaxAliases + 1)
        {
            _diagnostics.Add(at, DiagnosticCodes.TooManyAliases, $"more than {YamlDocumentReader.MaxAliases} YAML aliases; simplify the anchors");
        }

        var name = alias.Value.Value;
        if (_anchors.TryGetValue(name, out var target))
        {
            CountNode(target.ExpandedSize, at);
            Attach(target);
            return;
        }

        var insideItself = _frames.Any(f => f.Anchor == name);
        _diagnostics.Add(
            at,
            DiagnosticCodes.UnknownAlias,
            insideItself
                ? $"unknown alias '*{name}' (an alias cannot be inside the node its anchor names)"
                : $"unknown alias '*{name}'");
        _unusable = true;

        // A stand-in keeps the rest of the document in shape, so later problems are still found.
        Attach(new YamlScalar(at, ToMark(alias.End), string.Empty, ScalarStyle.Plain));
    }

    private void Attach(YamlNode node)
    {
        if (_frames.Count == 0)
        {
            _root ??= node;
            return;
        }

        var frame = _frames.Peek();
        frame.Size = YamlNode.SaturatingAdd(frame.Size, node.ExpandedSize);
        if (!frame.IsMapping)
        {
            frame.Items.Add(node);
            return;
        }

        if (!frame.HasKey)
        {
            frame.HasKey = true;
            frame.Key = null;
            if (node is not YamlScalar key)
            {
                _diagnostics.Add(node, DiagnosticCodes.YamlSyntax, "mapping keys must be plain scalars");
            }
            else if (frame.Keys.TryGetValue(key.Text, out var first))
            {
                _diagnostics.Add(
                    key,
                    DiagnosticCodes.DuplicateKey,
                    $"duplicate key '{key.Text}' (first defined at line {first.Start.Line})");
            }
            else
            {
                frame.Keys.Add(key.Text, key);
                frame.Key = key;
            }

            return;
        }

        frame.HasKey = false;
        if (frame.Key is not null)
        {
            frame.Entries.Add(new KeyValuePair<YamlScalar, YamlNode>(frame.Key, node));
        }
    }

    private void RegisterAnchor(YamlCore.AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }
    }

    private void CountNode(long count, Mark? at = null)
    {
        _expandedNodes = YamlNode.SaturatingAdd(_expandedNodes, count);
        if (at is not null && _expansionExceededAt is null && _expandedNodes > YamlDocumentReader.MaxExpandedNodes)
        {
            _expansionExceededAt = at;
        }
    }

    private void CheckTag(YamlEvents.NodeEvent e)
    {
        // An untagged node's Tag is empty whatever its style (a quoted scalar's implicit !!str is
        // not an explicit tag); a non-empty Tag, even the non-specific '!', was written by the operator.
        if (!e.Tag.IsEmpty)
        {
            _diagnostics.Add(ToMark(e.Start), DiagnosticCodes.YamlTag, $"YAML tags are not allowed (found '{TagAsWritten(e)}')");
        }
    }

    /// <summary>The tag as the operator wrote it, read back from the text; else rebuilt from the resolved tag.</summary>
    private string TagAsWritten(YamlEvents.NodeEvent e)
    {
        var i = (int)Math.Clamp(e.Start.Index, 0, _text.Length);
        for (var properties = 0; properties < 2 && i < _text.Length; properties++)
        {
            if (_text[i] == '!')
            {
                var end = i + 1;
                if (end < _text.Length && _text[end] == '<')
                {
                    var close = _text.IndexOf('>', end);
                    end = close < 0 ? end : close + 1;
                }
                else
                {
                    while (end < _text.Length && !char.IsWhiteSpace(_text[end]) && _text[end] is not (',' or '[' or ']' or '{' or '}'))
                    {
                        end++;
                    }
                }

                return _text[i..end];
            }

            if (_text[i] != '&')
            {
                break;
            }

            // Skip an anchor written before the tag.
            while (i < _text.Length && !char.IsWhiteSpace(_text[i]))
            {
                i++;
            }

            while (i < _text.Length && (_text[i] is ' ' or '\t'))
            {
                i++;
            }
        }

        var tag = e.Tag.Value;
        return tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? "!!" + tag[CoreTagPrefix.Length..]
            : tag.StartsWith('!') ? tag
            : $"!<{tag}>";
    }

    private Mark ToMark(YamlCore.Mark mark) =>
        new(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private static ScalarStyle ToStyle(YamlCore.ScalarStyle style) => style switch
    {
        YamlCore.ScalarStyle.SingleQuoted => ScalarStyle.SingleQuoted,
        YamlCore.ScalarStyle.DoubleQuoted => ScalarStyle.DoubleQuoted,
        YamlCore.ScalarStyle.Literal => ScalarStyle.Literal,
        YamlCore.ScalarStyle.Folded => ScalarStyle.Folded,
        _ => ScalarStyle.Plain,
    };

    private sealed class Frame(bool isMapping, Mark start, string? anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public Mark Start { get; } = start;

        public string? Anchor { get; } = anchor;

        public long Size { get; set; } = 1;

        public List<YamlNode> Items { get; } = [];

        public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = [];

        public Dictionary<string, YamlScalar> Keys { get; } = new(StringComparer.Ordinal);

        public bool HasKey { get; set; }

        public YamlScalar? Key { get; set; }
    }
}
