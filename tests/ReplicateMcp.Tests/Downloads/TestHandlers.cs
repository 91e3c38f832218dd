using System.Collections.Concurrent;

namespace ReplicateMcp.Tests.Downloads;

/// <summary>Records every request that reaches the network, to prove refused URLs are never contacted.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Answers every request with a response built by the test, for faults WireMock cannot script exactly.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(respond(request));
}

/// <summary>A non-seekable body (so no Content-Length) that yields some bytes, then fails or waits for cancellation.</summary>
internal sealed class ScriptedBodyStream(int bytesBeforeEnd, Func<CancellationToken, Task<int>> atEnd) : Stream
{
    private int _remaining = bytesBeforeEnd;

    /// <summary>Completes once the scripted bytes are consumed and the stream reached its end behaviour.</summary>
    public TaskCompletionSource ReachedEnd { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ScriptedBodyStream ThenThrow(int bytes) =>
        new(bytes, _ => throw new IOException("The response ended prematurely."));

    public static ScriptedBodyStream ThenEnd(int bytes) => new(bytes, _ => Task.FromResult(0));

    public static ScriptedBodyStream ThenWaitForCancellation(int bytes) =>
        new(bytes, async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return 0;
        });

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining > 0)
        {
            var count = Math.Min(_remaining, Math.Min(buffer.Length, 1024));
            buffer.Span[..count].Fill(0x2A);
            _remaining -= count;
            return count;
        }

        ReachedEnd.TrySetResult();
        return await atEnd(cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
