using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace UuLearning.Tests;

/// <summary>An <see cref="ILogger"/> that keeps every entry's structured values, for asserting on what was logged.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _entries = new();

    /// <summary>The structured values of every entry (message template arguments by name), in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value)
            : new Dictionary<string, object?>();
        _entries.Enqueue(values);
    }
}
