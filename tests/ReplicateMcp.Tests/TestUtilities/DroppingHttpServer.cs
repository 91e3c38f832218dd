using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// A loopback HTTP server that reads each request and resets the connection without answering,
/// for the first <c>drops</c> requests; later requests get <c>answer</c>. WireMock's faults still send
/// a status line, so they cannot show what a client does when the connection dies mid-request.
/// </summary>
internal sealed class DroppingHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _drops;
    private readonly string _answer;
    private int _requests;

    public DroppingHttpServer(int drops, int status = 200, string body = "{}")
    {
        _drops = drops;
        _answer = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    /// <summary>The API root to configure, e.g. <c>http://127.0.0.1:1234/v1/</c>.</summary>
    public string ApiBaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/";

    /// <summary>Requests whose head arrived, answered or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = HandleAsync(socket);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task HandleAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var buffer = new byte[64 * 1024];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                if (Interlocked.Increment(ref _requests) <= _drops)
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST: "connection reset by peer"
                    return;
                }

                await socket.SendAsync(Encoding.UTF8.GetBytes(_answer), _stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose(); // stops it too
        _stop.Dispose();
    }
}
