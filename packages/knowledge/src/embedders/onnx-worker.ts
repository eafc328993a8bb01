import { Worker } from 'node:worker_threads';
import { AppError } from '@airflow-mcp/core';

export interface OnnxWorkerOptions {
  /** package.json of the folder whose node_modules holds onnxruntime-node (the model folder's runtime/). */
  runtimePackageJson: string;
  modelPath: string;
  /** Threads of one forward pass. */
  threads: number;
}

/** The output of one forward pass: row-major [batch, tokens, dimensions]. */
export interface HiddenState {
  data: Float32Array;
  dims: readonly number[];
}

// Runs in the worker, from a string (no file to find next to the compiled or the TypeScript source); as a script or
// as a module, whichever the process's flags make it, so it takes Node's modules from process.getBuiltinModule.
// onnxruntime-node's run() computes on the calling thread, so on the main thread a batch would stall the server.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { createRequire } = process.getBuiltinModule('node:module');
let ort;
const ready = (async () => {
  ort = createRequire(workerData.runtimePackageJson)('onnxruntime-node');
  return ort.InferenceSession.create(workerData.modelPath, {
    intraOpNumThreads: workerData.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
})();
const fail = (id, error) => parentPort.postMessage({ id, error: String((error && error.message) || error) });
parentPort.on('message', async ({ id, inputIds, mask, dims }) => {
  try {
    const session = await ready;
    if (!inputIds) return parentPort.postMessage({ id, dims: [] });
    const output = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(inputIds.length), dims),
    });
    const hidden = output.last_hidden_state;
    if (!hidden) return parentPort.postMessage({ id, dims: [] });
    const data = Float32Array.from(hidden.data);
    parentPort.postMessage({ id, data, dims: hidden.dims }, [data.buffer]);
  } catch (error) {
    fail(id, error);
  }
});
`;

interface Reply {
  id: number;
  data?: Float32Array;
  dims?: number[];
  error?: string;
}

/**
 * An onnxruntime-node session on a worker thread: forward passes are sent there and answered in order of
 * completion. The thread keeps the process alive only while it owes an answer, and is started again after it dies.
 */
export class OnnxWorker {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(private readonly options: OnnxWorkerOptions) {}

  /** Resolves once the model is loaded in the worker; rejects with the reason it could not be. */
  async ready(): Promise<void> {
    await this.send({});
  }

  async run(inputIds: BigInt64Array, mask: BigInt64Array, dims: number[]): Promise<HiddenState | undefined> {
    const reply = await this.send({ inputIds, mask, dims }, [
      inputIds.buffer as ArrayBuffer,
      mask.buffer as ArrayBuffer,
    ]);
    return reply.data ? { data: reply.data, dims: reply.dims ?? [] } : undefined;
  }

  private send(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // held while it owes an answer (a script awaiting it must not exit), let go when idle
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, ...message }, transfer);
    }).then((reply) => {
      if (reply.error !== undefined) {
        throw new AppError('INTERNAL', `The embedding model failed: ${reply.error}`);
      }
      return reply;
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.options });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      waiting?.resolve(reply);
    });
    const stop = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => stop(error));
    worker.on('exit', (code) => stop(new AppError('INTERNAL', `The embedding model's thread exited (code ${code}).`)));
    this.worker = worker;
    return worker;
  }
}
