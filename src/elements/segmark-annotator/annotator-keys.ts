/**
 * Keys pressed in the annotator: each runs its command from the command
 * table (`session/commands.ts`) or the review's, and counts as editing
 * activity; keys typed into a text field are the field's. A toggle key
 * (overlays, reference lines) acts once however long the keyboard repeats
 * it, and held longer than a tap it acts only while held.
 */
import type { ReactiveController } from 'lit';
import { commandForKey, handleKey, press } from '../../session/commands.js';
import type { AnnotatorBase } from './annotator-base.js';

/** A toggle key held at least this long (ms) acts only while held. */
const HOLD_MS = 400;

export class AnnotatorKeys implements ReactiveController {
  /** The overlay toggle key being held, and since when. */
  private held: { id: 'overlays' | 'reference-lines'; since: number } | undefined;

  constructor(private readonly host: AnnotatorBase) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKeyDown);
    this.host.addEventListener('keyup', this.onKeyUp);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKeyDown);
    this.host.removeEventListener('keyup', this.onKeyUp);
  }

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return;
    const host = this.host;
    const target = e.composedPath()[0];
    if (target instanceof HTMLInputElement && target.type !== 'range') return;
    const id = commandForKey(e);
    if (id === 'overlays' || id === 'reference-lines') {
      // A toggle is pressed once: the keyboard's repeat while it is held changes nothing.
      if (e.repeat) return e.preventDefault();
      this.held = { id, since: e.timeStamp };
    }
    if (e.key === 'Escape' && host.assist.cancelIslandPick()) return e.preventDefault();
    if (host.review.key(e) || handleKey(host.commands, e)) {
      e.preventDefault();
      host.requestUpdate();
      if (host.session.editable) host.review.activity();
    }
  };

  /** A toggle key held longer than a tap hides only while held: its release shows the overlays again. */
  private readonly onKeyUp = (e: KeyboardEvent): void => {
    const held = this.held;
    if (!held || commandForKey(e) !== held.id) return;
    this.held = undefined;
    if (e.timeStamp - held.since >= HOLD_MS) press(this.host.commands, held.id);
  };
}
