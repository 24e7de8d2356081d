// The live event stream (SSE) with reconnect; EventSource resends Last-Event-ID by itself.
export function connectLive(handlers, onState) {
  let es;
  let retry = 1000;
  function open() {
    es = new EventSource('/api/stream');
    es.onopen = () => { retry = 1000; onState && onState(true); };
    es.onerror = () => {
      onState && onState(false);
      if (es.readyState === EventSource.CLOSED) { setTimeout(open, retry); retry = Math.min(retry * 2, 10000); }
    };
    for (const [type, fn] of Object.entries(handlers)) {
      es.addEventListener(type, (e) => { try { fn(JSON.parse(e.data), e); } catch (err) { console.error(err); } });
    }
  }
  open();
  return () => es && es.close();
}
