// Composes C2D commands and feedback (issue 3 items 7-8) for hub.ts: the stores, the group commit
// of enqueues (DESIGN.md decision 6: `accepted` only after the commit), the queues and the sweep
// timer. `close()` commits what is queued and stops the timers; the caller closes the database.
import type { Db } from '../store/database.js';
import { CommandStore, type EnqueueResult, type NewCommand } from '../store/command-store.js';
import { FeedbackStore } from '../store/feedback-store.js';
import { GroupCommit } from '../store/group-commit.js';
import type { Registry } from '../store/registry.js';
import { CommandQueues } from './command-queues.js';
import { FeedbackQueue } from './feedback-queue.js';
import type { C2dOptions } from './options.js';

export interface C2dService {
  options: C2dOptions;
  commands: CommandQueues;
  feedback: FeedbackQueue;
  close(): void;
}

export function startC2d(db: Db, registry: Registry, options: C2dOptions, now: () => number, maxCommitBatch: number): C2dService {
  const feedbackStore = new FeedbackStore(db);
  const store = new CommandStore(db, feedbackStore);
  const commits = new GroupCommit<NewCommand, EnqueueResult>(db, (items) => store.enqueueAll(items, options.maxQueueDepth), maxCommitBatch);
  const feedback = new FeedbackQueue(feedbackStore, options, now);
  const commands = new CommandQueues(
    {
      store,
      commit: (command) => commits.run(command),
      generationOf: (deviceId) => registry.device(deviceId)?.generationId,
      feedbackAdded: () => feedback.recordsAdded(),
      now,
    },
    options,
  );
  const sweep = setInterval(() => {
    commands.sweep();
    feedback.sweep();
  }, options.sweepMs);
  sweep.unref();
  return {
    options,
    commands,
    feedback,
    close() {
      clearInterval(sweep);
      commits.close();
      feedback.close();
    },
  };
}
