import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { mark } from './lib/first-screen';
import { installSessionWatch } from './lib/session.svelte';

mark('script');

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// First, so that its key listener runs before any page's (Ctrl+L, and nothing else while locked).
installSessionWatch();

export default mount(App, { target });
