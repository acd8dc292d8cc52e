using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Polly.Timeout;

namespace UuLearning.Tests;

public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    public void Classify_HttpStatus_TransientOrPermanent(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient ? FailureKind.Transient : FailureKind.Permanent,
            FailureClassifier.Classify(new HttpRequestException("x", null, status), CancellationToken.None));
    }

    [Fact]
    public void Classify_OtherExceptions_ByKind()
    {
        Assert.Equal(FailureKind.Transient, FailureClassifier.Classify(new HttpRequestException("connection refused"), CancellationToken.None));
        Assert.Equal(FailureKind.Transient, FailureClassifier.Classify(new TimeoutRejectedException(), CancellationToken.None));
        Assert.Equal(FailureKind.Transient, FailureClassifier.Classify(new TaskCanceledException(), CancellationToken.None));
        Assert.Equal(FailureKind.ItemFailure, FailureClassifier.Classify(new FormatException(), CancellationToken.None));
    }

    [Fact]
    public void Classify_ClientResultException_ReadsStatusByDuckTyping()
    {
        Assert.Equal(FailureKind.Transient, FailureClassifier.Classify(new ClientResultException("busy", Response(429, "2")), CancellationToken.None));
        Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(new ClientResultException("key", Response(401, null)), CancellationToken.None));
    }

    [Fact]
    public void Classify_TransportFailures_Unreachable()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        Assert.Equal(FailureKind.Unreachable, FailureClassifier.Classify(refused, CancellationToken.None));
        Assert.Equal(FailureKind.Unreachable, FailureClassifier.Classify(
            new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known"), CancellationToken.None));
        Assert.Equal(FailureKind.Unreachable, FailureClassifier.Classify(
            new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established",
                new System.Security.Authentication.AuthenticationException("bad certificate")), CancellationToken.None));
        // The OpenAI client's "retry failed" wrapping: status 0, the transport error inside.
        var wrapped = new AggregateException("Retry failed after 4 tries.", new ClientResultException("Connection refused", innerException: refused));
        Assert.Equal(FailureKind.Unreachable, FailureClassifier.Classify(wrapped, CancellationToken.None));
        // A connection dropped mid-answer is transient.
        Assert.Equal(FailureKind.Transient, FailureClassifier.Classify(
            new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), CancellationToken.None));
    }

    [Fact]
    public void Classify_UndecodableBody_Malformed()
    {
        Assert.Equal(FailureKind.Malformed, FailureClassifier.Classify(new System.Text.Json.JsonException("'t' is invalid"), CancellationToken.None));
        Assert.Equal(FailureKind.Malformed, FailureClassifier.Classify(
            new InvalidOperationException("decode", new System.Text.Json.JsonException("x")), CancellationToken.None));
    }

    [Fact]
    public void CauseOf_Exceptions_ByRetryCause()
    {
        Assert.Equal(RetryCause.RateLimited, FailureClassifier.CauseOf(new ClientResultException("busy", Response(429, "2"))));
        Assert.Equal(RetryCause.ServerError, FailureClassifier.CauseOf(new HttpRequestException("x", null, HttpStatusCode.BadGateway)));
        Assert.Equal(RetryCause.Timeout, FailureClassifier.CauseOf(new TimeoutRejectedException()));
        Assert.Equal(RetryCause.Malformed, FailureClassifier.CauseOf(new System.Text.Json.JsonException()));
        Assert.Equal(RetryCause.Transport, FailureClassifier.CauseOf(new IOException("reset")));
    }

    [Fact]
    public void OneLine_MultiLineMessages_FlattenedNotCut()
    {
        var error = new ClientResultException("HTTP 401 (invalid_request_error: )\n\nIncorrect API key provided: sk-****.\nSee the docs.", Response(401, null));

        string line = FailureClassifier.OneLine(error);

        Assert.Equal("HTTP 401 (invalid_request_error: ) Incorrect API key provided: sk-****. See the docs.", line);
    }

    [Fact]
    public void GetRetryAfter_ClientResultExceptionWithHeader_ReadsSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), FailureClassifier.GetRetryAfter(new ClientResultException("busy", Response(429, "2")), TimeProvider.System));
        Assert.Null(FailureClassifier.GetRetryAfter(new ClientResultException("busy", Response(429, null)), TimeProvider.System));
        Assert.Null(FailureClassifier.GetRetryAfter(new HttpRequestException("x"), TimeProvider.System));
    }

    [Fact]
    public void ParseRetryAfter_HttpDate_DelayUntilThatTime()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new FixedTimeProvider(now);

        Assert.Equal(TimeSpan.FromSeconds(30), FailureClassifier.ParseRetryAfter("Thu, 01 Jan 2026 12:00:30 GMT", clock));
        Assert.Equal(TimeSpan.Zero, FailureClassifier.ParseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", clock));
        Assert.Equal(TimeSpan.FromSeconds(1.5), FailureClassifier.ParseRetryAfter("1.5", clock));
        Assert.Null(FailureClassifier.ParseRetryAfter("soon", clock));
    }

    private static PipelineResponse Response(int status, string? retryAfter) => new FakeResponse(status, retryAfter);

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class FakeResponse(int status, string? retryAfter) : PipelineResponse
    {
        private readonly FakeHeaders _headers = new(retryAfter);

        public override int Status => status;

        public override string ReasonPhrase => "x";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => BinaryData.FromString("{}");

        protected override PipelineResponseHeaders HeadersCore => _headers;

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Content);

        public override void Dispose()
        {
        }
    }

    private sealed class FakeHeaders(string? retryAfter) : PipelineResponseHeaders
    {
        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            (retryAfter is null ? [] : new[] { KeyValuePair.Create("Retry-After", retryAfter) }).AsEnumerable().GetEnumerator();

        public override bool TryGetValue(string name, out string? value)
        {
            value = name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase) ? retryAfter : null;
            return value is not null;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            values = TryGetValue(name, out var v) ? [v!] : null;
            return values is not null;
        }
    }
}
