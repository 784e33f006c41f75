import { Injectable } from '@nestjs/common';

export interface Note {
  id: string;
  text: string;
  updatedAt: string;
}

@Injectable()
export class NotesService {
  private readonly notes = new Map<string, Note>();
  private nextId = 1;

  constructor() {
    for (const text of ['Buy oat milk', 'Review the CORS policy', 'Ship the sample app']) this.create(text);
  }

  list(): Note[] {
    return [...this.notes.values()];
  }

  find(id: string): Note | undefined {
    return this.notes.get(id);
  }

  create(text: string): Note {
    return this.save(String(this.nextId++), text);
  }

  /** Returns whether the note already existed. */
  upsert(id: string, text: string): { note: Note; created: boolean } {
    const created = !this.notes.has(id);
    return { note: this.save(id, text), created };
  }

  remove(id: string): boolean {
    return this.notes.delete(id);
  }

  private save(id: string, text: string): Note {
    const note = { id, text, updatedAt: new Date().toISOString() };
    this.notes.set(id, note);
    return note;
  }
}
