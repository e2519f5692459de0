"""A conversation as the tokens a chat model reads, in ChatML (the chat format of OpenAI's
cl100k models): every message is wrapped in two *special tokens*, ids the text itself can never
produce, and the prompt ends by opening the assistant's turn:

    <|im_start|>system⏎You are a helpful assistant.<|im_end|>⏎
    <|im_start|>user⏎Hello!<|im_end|>⏎
    <|im_start|>assistant⏎                        the model writes from here

The model was trained to end its reply with <|im_end|>, and that token is how generation
stops: the server stops sampling there (or at a stop string, or at the length limit).

The text between the special tokens is cl100k_base's ordinary encoding (``cl100k.encode``).
<|im_start|> and <|im_end|> are 100264 and 100265, the ids OpenAI's ChatML documentation and
its tiktoken examples add to cl100k_base; <|endoftext|> (100257) marks where one document ends
and the next begins in training text.

References: OpenAI, "ChatML" (openai-python, 2023) and the cookbook's "How to count tokens with
tiktoken". Leaves out: other models' templates (Llama 3's <|start_header_id|>, Hugging Face's
Jinja chat templates), tool calls.

Example: ``chat_template([{"role": "user", "content": "Hi"}])["count"]`` -> 9
"""

from __future__ import annotations

from typing import Any

from .cl100k import check_text, encode, load_tokens, show

__kernels__ = ("chat_template",)

#: cl100k_base's special tokens and ChatML's two, with their ids.
SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|im_start|>": 100264,
    "<|im_end|>": 100265,
    "<|endofprompt|>": 100276,
}
START, END = "<|im_start|>", "<|im_end|>"
ROLES = ("system", "user", "assistant")
MAX_MESSAGES = 20
DEFAULT_CONVERSATION = (
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is a token?"},
)


def chatml_text(messages: list[dict[str, str]], reply: bool = True) -> str:
    """The conversation as ChatML text, opening the assistant's turn when ``reply``.

    Example: ``chatml_text([{"role": "user", "content": "Hi"}])`` ->
    '<|im_start|>user\\nHi<|im_end|>\\n<|im_start|>assistant\\n'
    """
    text = "".join(f"{START}{m['role']}\n{m['content']}{END}\n" for m in messages)
    return text + (f"{START}assistant\n" if reply else "")


def encode_with_special(text: str) -> list[tuple[str, list[int], bool]]:
    """Text cut at every special token: each part's text, ids, and whether it is special
    (one id the text's bytes could not make) or ordinary text (cl100k_base's encoding).

    Example: ``encode_with_special("a<|im_end|>")`` -> [('a', [64], False),
    ('<|im_end|>', [100265], True)]
    """
    parts: list[tuple[str, list[int], bool]] = []
    start = i = 0
    while i < len(text):
        found = next((s for s in SPECIAL if text.startswith(s, i)), None)
        if found is None:
            i += 1
            continue
        if i > start:
            parts.append((text[start:i], encode(text[start:i]), False))
        parts.append((found, [SPECIAL[found]], True))
        i = start = i + len(found)
    if start < len(text):
        parts.append((text[start:], encode(text[start:]), False))
    return parts


def check_messages(messages: Any) -> list[dict[str, str]]:
    """Messages as a list of {role, content}; special tokens typed into a message are refused,
    as a chat service must (a user who could type <|im_end|> could end their turn and write the
    assistant's). Example: ``check_messages([])`` raises ValueError("messages: …")"""
    if not isinstance(messages, (list, tuple)) or not 1 <= len(messages) <= MAX_MESSAGES:
        raise ValueError(f"messages: expected 1 to {MAX_MESSAGES} messages")
    checked = []
    for n, message in enumerate(messages, 1):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise ValueError(f"messages: message {n} needs a role, one of {', '.join(ROLES)}")
        content = check_text(message.get("content", ""))
        special = next((s for s in SPECIAL if s in content), None)
        if special:
            raise ValueError(f"messages: message {n} contains the special token {special}")
        checked.append({"role": message["role"], "content": content})
    return checked


def chat_template(messages: Any = DEFAULT_CONVERSATION, reply: bool = True) -> dict[str, Any]:
    """The conversation's ChatML text and its tokens, each marked special or ordinary; how many
    each message costs; and the token that ends the reply.

    Example: ``chat_template()["stop"]`` -> {'token': '<|im_end|>', 'id': 100265}
    """
    checked = check_messages(messages)
    text = chatml_text(checked, bool(reply))
    tokens = load_tokens()
    pieces = []
    for part, ids, special in encode_with_special(text):
        shown = [part] if special else [show(tokens[i]) for i in ids]
        pieces += [
            {"id": i, "token": s, "special": special} for i, s in zip(ids, shown, strict=True)
        ]
    per_message = [
        sum(len(ids) for _, ids, _ in encode_with_special(chatml_text([m], reply=False)))
        for m in checked
    ]
    return {
        "text": text,
        "ids": [p["id"] for p in pieces],
        "pieces": pieces,
        "count": len(pieces),
        "special_count": sum(p["special"] for p in pieces),
        "per_message": per_message,
        "stop": {"token": END, "id": SPECIAL[END]},
    }
