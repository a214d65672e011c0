import { render } from 'preact';
import { App } from './App.tsx';
import { takeTokenFromUrl } from './api/client.ts';
import './styles.css';

takeTokenFromUrl();
render(<App />, document.getElementById('app')!);
